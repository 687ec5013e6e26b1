/* slices.c: see slices.h. */
#include "slices.h"
#include "dicom.h"
#include "log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the files that cannot be used -------------------------------------------------------- */

/* h cannot be used, ct_errmsg() says why: set aside as unreadable. */
static ct_code mark_unreadable(ct_header *h)
{
	h->dicom = 0;
	h->unreadable = strdup(ct_errmsg());
	return h->unreadable ? CT_OK : ct_fail(CT_ENOMEM, "out of memory");
}

/* CT Image Storage, and its Enhanced and Legacy Converted Enhanced forms (PS3.4 B.5). */
static int ct_image_class(const char *uid)
{
	return !strcmp(uid, "1.2.840.10008.5.1.4.1.1.2") || !strcmp(uid, "1.2.840.10008.5.1.4.1.1.2.1") ||
	       !strcmp(uid, "1.2.840.10008.5.1.4.1.1.2.2");
}

/* A file with pixels but no usable size, or a CT image without one (Rows is required there: a
 * header cut off before it still parses), is a broken image, never a non-image object: made
 * unreadable, with why. */
static ct_code mark_broken_image(ct_header *h)
{
	if (!h->dicom || h->image)
		return CT_OK;
	if (h->pixel_bytes > 0)
		ct_fail(CT_EDATA, "%s: (0028,0010) Rows, (0028,0011) Columns: missing or not a number, "
		        "though the file has (7FE0,0010) PixelData", h->s.path);
	else if (ct_image_class(h->sop_class))
		ct_fail(CT_EDATA, "%s: (0028,0010) Rows, (0028,0011) Columns: missing or not a number, "
		        "though its SOP Class is CT Image Storage (%s; a file cut short?)", h->s.path, h->sop_class);
	else
		return CT_OK;
	return mark_unreadable(h);
}

/* ---- the files skipped -------------------------------------------------------------------- */

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* path's name into s->skipped (kept in name order), and why on stderr. */
static ct_code note_skipped(ct_slices *s, const char *path, const char *why)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char **list = realloc(s->skipped, (s->nskipped + 1) * sizeof *list);
	if (!list)
		return ct_fail(CT_ENOMEM, "out of memory");
	s->skipped = list;
	if (!(list[s->nskipped] = strdup(name)))
		return ct_fail(CT_ENOMEM, "out of memory");
	s->nskipped++;
	qsort(list, s->nskipped, sizeof *list, by_string);
	ct_warn("%s; skipped (--skip-bad-files)", why);
	return CT_OK;
}

/* A missing or cut-off PixelData shows in the header read already (GDCM would read a cut-off
 * one with a zero-filled tail): made unreadable, with why. */
static ct_code mark_missing_pixels(ct_header *h)
{
	long long need = (long long)h->s.rows * h->s.cols * (h->s.bits / 8);
	if (h->pixel_bytes == 0)
		ct_fail(CT_EDATA, "%s: (7FE0,0010) PixelData: missing", h->s.path);
	else if (h->pixel_bytes > 0 && h->s.native && h->pixel_bytes < need)
		ct_fail(CT_EDATA, "%s: (7FE0,0010) PixelData: %lld bytes where %dx%d pixels need %lld (file "
		        "truncated)", h->s.path, h->pixel_bytes, h->s.cols, h->s.rows, need);
	else
		return CT_OK;
	return mark_unreadable(h);
}

/* Modality is there and is not CT (SEG, RTSTRUCT, PR, ...). */
static int not_ct(const ct_header *f)
{
	return f->dicom && f->modality[0] && strcmp(f->modality, "CT") != 0;
}

static int is_slice(const ct_header *f)
{
	return f->dicom && f->image && !f->localizer && !not_ct(f);
}

typedef ct_code (*bad_check)(ct_header *h);

/* The bad files, in name order: those unreadable, and those check finds bad among the files
 * read (uid NULL) or among the slices of the series uid. The first fails the folder, or (skip)
 * each is skipped and named. */
static ct_code bad_files(ct_headers *hs, bad_check check, const char *uid, int skip, ct_slices *s)
{
	for (size_t i = 0; i < hs->n; i++) {
		ct_header *h = &hs->h[i];
		if (uid && !(is_slice(h) && !strcmp(h->series_uid, uid)))
			continue;
		ct_code c = h->dicom ? check(h) : CT_OK;
		if (!c && h->unreadable)
			c = skip ? note_skipped(s, h->s.path, h->unreadable) : ct_fail(CT_EDATA, "%s", h->unreadable);
		if (c)
			return c;
	}
	return CT_OK;
}

ct_code ct_slices_skip(ct_slices *s, const ct_slice *slice, const char *why)
{
	size_t i = (size_t)(slice - s->slice);
	ct_code c = note_skipped(s, slice->path, why);
	if (c)
		return c;
	free(s->slice[i].path);
	memmove(&s->slice[i], &s->slice[i + 1], (s->n - i - 1) * sizeof *s->slice);
	s->n--;
	s->instances--;
	return s->n ? CT_OK : ct_fail(CT_EDATA, "%s: no slice left to convert", s->dir);
}

/* ---- choosing the series ----------------------------------------------------------------- */

/* No slices: a folder of objects of another Modality than CT is left out (with
 * leave_out_non_ct) or an error; any other folder an error. */
static ct_code no_ct(const char *dir, const ct_headers *hs, const ct_slices_opts *o, size_t scouts,
                     ct_slices *s)
{
	size_t other_images = 0;
	const ct_header *first = NULL;
	for (size_t i = 0; i < hs->n; i++) {
		const ct_header *f = &hs->h[i];
		other_images += f->dicom && !not_ct(f) && f->image;
		if (not_ct(f) && !first)
			first = f;
	}
	if (o->leave_out_non_ct && first && !other_images) {
		snprintf(s->left_out, sizeof s->left_out, "not a CT image series: %zu DICOM object%s of "
		         "Modality %s", s->not_ct, s->not_ct == 1 ? "" : "s", first->modality);
		ct_info("%s: left out: %s", dir, s->left_out);
		return (s->left_out_path = strdup(first->s.path)) ? CT_OK : ct_fail(CT_ENOMEM, "out of memory");
	}
	return ct_fail(CT_EDATA, "%s: no CT image slices (%zu files: %zu not DICOM, %zu not images, "
	               "%zu localizers, %zu not CT%s%s)", dir, hs->n, s->non_dicom, s->non_image, scouts,
	               s->not_ct, first ? ": Modality " : "", first ? first->modality : "");
}

/* The chosen series' UID into s->uid; counts of what is set aside into s. */
static ct_code choose_series(const char *dir, const ct_headers *hs, const ct_slices_opts *o, ct_slices *s)
{
	const char *want = o->series_uid;
	size_t best = 0, slices = 0, scouts = 0;
	char *uid = s->uid;
	uid[0] = 0;
	for (size_t i = 0; i < hs->n; i++) {
		const ct_header *f = &hs->h[i];
		s->non_dicom += !f->dicom && !f->unreadable;
		s->non_image += f->dicom && !f->image && !not_ct(f);
		s->not_ct += not_ct(f);
		scouts += f->dicom && f->image && f->localizer;
		if (!is_slice(f))
			continue;
		slices++;
		size_t count = 0;
		for (size_t j = 0; j < hs->n; j++)
			count += is_slice(&hs->h[j]) && strcmp(hs->h[j].series_uid, f->series_uid) == 0;
		int better = want ? strcmp(f->series_uid, want) == 0
		                  : count > best || (count == best && strcmp(f->series_uid, uid) < 0);
		if (better) {
			best = count;
			snprintf(uid, CT_UID_LEN, "%s", f->series_uid);
		}
	}
	if (!slices)
		return no_ct(dir, hs, o, scouts, s);
	if (!best)
		return ct_fail(CT_EDATA, "%s: no image series with SeriesInstanceUID %s", dir, want);
	for (size_t i = 0; i < hs->n; i++) {
		const ct_header *f = &hs->h[i];
		if (!is_slice(f) || strcmp(f->series_uid, uid) == 0)
			continue;
		size_t first = 1;
		for (size_t j = 0; j < i && first; j++)
			first = !(is_slice(&hs->h[j]) && strcmp(hs->h[j].series_uid, f->series_uid) == 0);
		if (first) {
			s->other_series++;
			ct_info("%s: series %s set aside (not the one with most slices)", dir, f->series_uid);
		}
	}
	return CT_OK;
}

/* The smaller and the larger of m and t; a NaN ("nan" parses as a number) sticks, so that no
 * range check passes it. */
static double lower(double m, double t)
{
	return isnan(m) || t >= m ? m : t;
}

static double upper(double m, double t)
{
	return isnan(m) || t <= m ? m : t;
}

/* What the series' instances say, localizers and non-images included. */
static void count_instances(const ct_headers *hs, ct_slices *s)
{
	s->thickness_min = INFINITY;
	s->thickness_max = -INFINITY;
	for (size_t i = 0; i < hs->n; i++) {
		const ct_header *f = &hs->h[i];
		if (!f->dicom || strcmp(f->series_uid, s->uid) != 0)
			continue;
		s->instances++;
		s->localizers += f->localizer;
		if (!f->has_thickness)
			continue;
		s->with_thickness++;
		s->thickness_min = lower(s->thickness_min, f->s.thickness);
		s->thickness_max = upper(s->thickness_max, f->s.thickness);
	}
}

/* ---- checking its slices ------------------------------------------------------------------ */

static int differs(const double *a, const double *b, int n, double tol)
{
	for (int i = 0; i < n; i++)
		if (fabs(a[i] - b[i]) > tol)
			return 1;
	return 0;
}

/* Every slice must be a single frame with position, orientation and spacing, and agree with
 * the first on size, orientation and spacing. */
static ct_code check_slices(ct_header **fs, size_t n)
{
	const ct_slice *a = &fs[0]->s;
	for (size_t i = 0; i < n; i++) {
		const ct_header *f = fs[i];
		const ct_slice *s = &f->s;
		if (!f->has_iop)
			return ct_fail(CT_EDATA, "%s: (0020,0037) ImageOrientationPatient: missing", s->path);
		if (!f->has_ipp)
			return ct_fail(CT_EDATA, "%s: (0020,0032) ImagePositionPatient: missing", s->path);
		if (!f->has_ps)
			return ct_fail(CT_EDATA, "%s: (0028,0030) PixelSpacing: missing", s->path);
		if (f->frames > 1)
			return ct_fail(CT_EDATA, "%s: (0028,0008) NumberOfFrames: %d (multi-frame images "
			               "are not supported)", s->path, f->frames);
		if ((size_t)s->rows * (size_t)s->cols > CT_DICOM_MAX_PIXELS)
			return ct_fail(CT_EDATA, "%s: (0028,0010) Rows, (0028,0011) Columns: %dx%d: more than the "
			               "%zu pixels a slice may have", s->path, s->cols, s->rows, (size_t)CT_DICOM_MAX_PIXELS);
		if (s->rows != a->rows || s->cols != a->cols)
			return ct_fail(CT_EDATA, "%s: (0028,0010) Rows, (0028,0011) Columns: %dx%d, but %s "
			               "is %dx%d", s->path, s->rows, s->cols, a->path, a->rows, a->cols);
		if (differs(s->iop, a->iop, 6, 1e-4))
			return ct_fail(CT_EDATA, "%s: (0020,0037) ImageOrientationPatient: differs from %s",
			               s->path, a->path);
		if (differs(s->ps, a->ps, 2, 1e-4))
			return ct_fail(CT_EDATA, "%s: (0028,0030) PixelSpacing: differs from %s", s->path,
			               a->path);
	}
	return CT_OK;
}

/* The chosen series' slices, checked, moved out of the folder into s->slice. */
static ct_code take_slices(ct_headers *hs, ct_slices *s)
{
	ct_header **mine = malloc(hs->n * sizeof *mine);
	s->slice = calloc(hs->n ? hs->n : 1, sizeof *s->slice);
	if (!mine || !s->slice) {
		free(mine);
		return ct_fail(CT_ENOMEM, "out of memory");
	}
	size_t n = 0;
	for (size_t i = 0; i < hs->n; i++)
		if (is_slice(&hs->h[i]) && strcmp(hs->h[i].series_uid, s->uid) == 0)
			mine[n++] = &hs->h[i];
	ct_code c = n ? check_slices(mine, n) : ct_fail(CT_EDATA, "%s: no slice left to convert", s->dir);
	for (size_t i = 0; !c && i < n; i++) {
		s->slice[s->n++] = mine[i]->s;
		mine[i]->s.path = NULL; /* s owns it now */
	}
	free(mine);
	return c;
}

ct_code ct_slices_read(const char *dir, const ct_slices_opts *o, ct_slices *s)
{
	memset(s, 0, sizeof *s);
	if (!(s->dir = strdup(dir)))
		return ct_fail(CT_ENOMEM, "out of memory");
	ct_headers hs;
	ct_code c = ct_headers_read(&dir, 1, o->threads, 0, &hs);
	if (!c)
		c = bad_files(&hs, mark_broken_image, NULL, o->skip_bad_files, s);
	if (!c)
		c = choose_series(dir, &hs, o, s);
	if (!c && !s->left_out[0])
		c = bad_files(&hs, mark_missing_pixels, s->uid, o->skip_bad_files, s);
	if (!c && !s->left_out[0]) {
		count_instances(&hs, s);
		c = take_slices(&hs, s);
	}
	ct_headers_free(&hs);
	if (c)
		ct_slices_free(s);
	return c;
}

void ct_slices_free(ct_slices *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->slice[i].path);
	free(s->slice);
	free(s->dir);
	free(s->left_out_path);
	s->left_out_path = NULL;
	for (size_t i = 0; i < s->nskipped; i++)
		free(s->skipped[i]);
	free(s->skipped);
	s->skipped = NULL;
	s->nskipped = 0;
	s->slice = NULL;
	s->dir = NULL;
	s->n = 0;
}
