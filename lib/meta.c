/* meta.c: see meta.h. */
#include "meta.h"
#include "dicom.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_TEXT 256 /* a header column's value: at most 255 bytes */

/* CT-FM's header columns: each the value of one tag in the first slice's header. */
static const struct {
	ct_rec_col col;
	uint32_t tag;
} header_tags[] = {
	{CT_REC_SERIES_UID, CT_TAG(0x0020, 0x000e)},
	{CT_REC_PATIENT_ID, CT_TAG(0x0010, 0x0020)},
	{CT_REC_BODY_PART, CT_TAG(0x0018, 0x0015)},
	{CT_REC_CONTRAST, CT_TAG(0x0018, 0x0010)},
	{CT_REC_IMAGE_TYPE, CT_TAG(0x0008, 0x0008)},
	{CT_REC_STUDY_UID, CT_TAG(0x0020, 0x000d)},
	{CT_REC_TIME_POINT, CT_TAG(0x0012, 0x0050)},
	{CT_REC_PIXEL_SPACING, CT_TAG(0x0028, 0x0030)},
	{CT_REC_SLICE_THICKNESS, CT_TAG(0x0018, 0x0050)},
	{CT_REC_KERNEL, CT_TAG(0x0018, 0x1210)},
	{CT_REC_RECON_DIAMETER, CT_TAG(0x0018, 0x1100)},
	{CT_REC_MANUFACTURER, CT_TAG(0x0008, 0x0070)},
	/* and ours: what pairing test and retest by time needs (lib/pairs) */
	{CT_REC_MODALITY, CT_TAG(0x0008, 0x0060)},
	{CT_REC_ACQ_DATE, CT_TAG(0x0008, 0x0022)},
	{CT_REC_ACQ_TIME, CT_TAG(0x0008, 0x0032)},
	{CT_REC_CREATION_DATE, CT_TAG(0x0008, 0x0012)},
	{CT_REC_CREATION_TIME, CT_TAG(0x0008, 0x0013)},
	{CT_REC_SERIES_DATE, CT_TAG(0x0008, 0x0021)},
	{CT_REC_SERIES_TIME, CT_TAG(0x0008, 0x0031)},
};

static void set_number(ct_record *r, ct_rec_col col, const char *fmt, double x)
{
	char s[64];
	snprintf(s, sizeof s, fmt, x);
	ct_record_set(r, col, s);
}

static void set_count(ct_record *r, ct_rec_col col, size_t n)
{
	char s[32];
	snprintf(s, sizeof s, "%zu", n);
	ct_record_set(r, col, s);
}

/* Numbers '/'-joined, at most 6 decimals and no trailing zeros: 0.78, -200. */
static void set_numbers(ct_record *r, ct_rec_col col, const double *v, int n)
{
	char s[400] = "", one[32];
	for (int i = 0; i < n; i++) {
		snprintf(one, sizeof one, "%.6f", fabs(v[i]) < 5e-7 ? 0 : v[i]);
		char *end = one + strlen(one);
		while (end[-1] == '0')
			*--end = 0;
		if (end[-1] == '.')
			end[-1] = 0;
		snprintf(s + strlen(s), sizeof s - strlen(s), "%s%s", i ? "/" : "", one);
	}
	ct_record_set(r, col, s);
}

/* CT-FM's header columns from one slice's header; multi-values joined by '/'. */
static ct_code header_columns(ct_record *r, const char *path)
{
	ct_dicom *d;
	ct_code c = ct_dicom_open(path, &d);
	for (size_t k = 0; !c && k < sizeof header_tags / sizeof *header_tags; k++) {
		char text[HEADER_TEXT];
		ct_dicom_text(d, header_tags[k].tag, text, sizeof text);
		for (char *p = text; *p; p++)
			if (*p == '\\')
				*p = '/';
		ct_record_set(r, header_tags[k].col, text);
	}
	if (d)
		ct_dicom_close(d);
	return c;
}

/* The distinct transfer syntaxes of the slices, in the volume's order, '/'-joined (those that
 * fit in 255 bytes; a file without one adds nothing). */
static void set_transfer_syntaxes(ct_record *r, const ct_volume *v)
{
	char ts[HEADER_TEXT] = "";
	for (size_t i = 0; i < v->real_slices + v->duplicates; i++) {
		const char *one = v->order[i]->ts;
		size_t seen = 0;
		while (seen < i && strcmp(v->order[seen]->ts, one) != 0)
			seen++;
		if (*one && seen == i && strlen(ts) + strlen(one) + 2 < sizeof ts)
			snprintf(ts + strlen(ts), sizeof ts - strlen(ts), "%s%s", *ts ? "/" : "", one);
	}
	ct_record_set(r, CT_REC_TRANSFER_SYNTAX, ts);
}

/* The names of the files skipped (ct-convert --skip-bad-files), '/'-joined (no name holds one). */
static void set_skipped(ct_record *r, const ct_slices *s)
{
	size_t n = 1;
	for (size_t i = 0; i < s->nskipped; i++)
		n += strlen(s->skipped[i]) + 1;
	char *list = malloc(n);
	if (!list) {
		r->out_of_memory = 1;
		return;
	}
	list[0] = 0;
	for (size_t i = 0; i < s->nskipped; i++)
		strcat(strcat(list, i ? "/" : ""), s->skipped[i]);
	ct_record_set(r, CT_REC_SKIPPED_FILES, list);
	free(list);
}

/* spacing, origin and direction from the NRRD's geometry. */
static void set_geometry(ct_record *r, const ct_nrrd *h)
{
	double sp[3], dir[9];
	for (int a = 0; a < 3; a++) {
		const double *d = h->directions[a];
		sp[a] = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
		for (int k = 0; k < 3; k++)
			dir[3 * a + k] = sp[a] > 0 ? d[k] / sp[a] : 0;
	}
	set_numbers(r, CT_REC_SPACING, sp, 3);
	set_numbers(r, CT_REC_ORIGIN, h->origin, 3);
	set_numbers(r, CT_REC_DIRECTION, dir, 9);
}

ct_code ct_meta_of_scan(ct_record *r, const ct_slices *s, const ct_volume *v, const char *nrrd_path)
{
	const ct_nrrd *h = &v->nrrd;
	ct_code c = header_columns(r, v->order[0]->path);
	set_count(r, CT_REC_NUM_INSTANCES, s->instances);
	ct_record_set(r, CT_REC_PATH, nrrd_path);
	set_count(r, CT_REC_ROWS, h->sizes[1]);
	set_count(r, CT_REC_COLS, h->sizes[0]);
	set_count(r, CT_REC_SLICES, h->sizes[2]);
	set_geometry(r, h);
	set_numbers(r, CT_REC_HU_MIN, &v->hu_min, 1);
	set_numbers(r, CT_REC_HU_MAX, &v->hu_max, 1);
	set_transfer_syntaxes(r, v);
	set_count(r, CT_REC_IRREGULAR, (size_t)v->irregular);
	set_number(r, CT_REC_TILT, "%.3f", v->tilt_deg);
	/* CT-FM's quality filters */
	set_count(r, CT_REC_THICKNESS_1_5, s->with_thickness > 0 && s->thickness_min >= 1 && s->thickness_max <= 5);
	set_count(r, CT_REC_MORE_THAN_50, s->instances > 50);
	set_count(r, CT_REC_UNIQUE_POSITIONS, v->duplicates == 0);
	set_count(r, CT_REC_NO_LOCALIZER, s->localizers == 0);
	set_skipped(r, s);
	return c;
}

ct_code ct_meta_of_left_out(ct_record *r, const ct_slices *s)
{
	ct_code c = header_columns(r, s->left_out_path);
	ct_record_set(r, CT_REC_LEFT_OUT, s->left_out);
	return c;
}
