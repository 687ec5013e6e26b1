/* series.c: see series.h. */
#include "series.h"
#include "headers.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* src into dst of cap bytes, cut to fit. */
static void copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = 0;
}

/* A series as its file h describes it (counts zero). */
static void describe(const ct_header *h, ct_series *s)
{
	*s = (ct_series){0};
	copy_text(s->uid, sizeof s->uid, h->series_uid);
	copy_text(s->number, sizeof s->number, h->number);
	copy_text(s->modality, sizeof s->modality, h->modality);
	copy_text(s->description, sizeof s->description, h->description);
	copy_text(s->kernel, sizeof s->kernel, h->kernel);
	copy_text(s->contrast, sizeof s->contrast, h->contrast);
	copy_text(s->thickness_text, sizeof s->thickness_text, h->thickness_text);
	copy_text(s->image_type, sizeof s->image_type, h->image_type);
	for (char *p = s->image_type; (p = strchr(p, '\\')); )
		*p = '/'; /* as CT-FM's table joins values */
	s->has_thickness = h->has_thickness;
	s->thickness = h->s.thickness;
	s->gantry_tilt = h->s.gantry_tilt;
	if ((s->has_normal = h->has_iop)) {
		const double *v = h->s.iop;
		s->normal_z = fabs(v[0] * v[4] - v[1] * v[3]); /* z of row x column cosines */
	}
	if (h->image)
		s->rows = h->s.rows, s->cols = h->s.cols;
}

/* The series of file h in l, added when new. */
static ct_series *series_of(ct_series_list *l, const ct_header *h, size_t *cap)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->s[i].uid, h->series_uid))
			return &l->s[i];
	if (l->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		ct_series *s = realloc(l->s, nc * sizeof *s);
		if (!s)
			return NULL;
		l->s = s, *cap = nc;
	}
	ct_series *s = &l->s[l->n++];
	describe(h, s);
	s->rows = s->cols = 0;
	return s;
}

static ct_code group(const ct_headers *hs, ct_series_list *l)
{
	size_t cap = 0;
	for (size_t i = 0; i < hs->n; i++) {
		const ct_header *h = &hs->h[i];
		if (!h->dicom) {
			l->not_dicom++;
			continue;
		}
		ct_series *s = series_of(l, h, &cap);
		if (!s)
			return ct_fail(CT_ENOMEM, "out of memory");
		if (!h->image) {
			s->other++;
		} else if (h->localizer) {
			s->localizers++;
		} else {
			if (!s->slices) { /* the first slice describes the series */
				size_t loc = s->localizers, other = s->other;
				describe(h, s);
				s->localizers = loc, s->other = other;
			}
			s->mixed_size |= h->s.rows != s->rows || h->s.cols != s->cols;
			s->slices++;
		}
	}
	return CT_OK;
}

ct_code ct_series_scan(char *const *dirs, size_t ndirs, int threads, ct_series_list *out)
{
	*out = (ct_series_list){0};
	ct_headers hs;
	ct_code c = ct_headers_read((const char *const *)dirs, ndirs, threads, 1, &hs);
	if (c)
		return c;
	out->files = hs.n;
	c = group(&hs, out);
	ct_headers_free(&hs);
	if (c)
		ct_series_free(out);
	return c;
}

void ct_series_free(ct_series_list *l)
{
	free(l->s);
	*l = (ct_series_list){0};
}

/* ---- the rule ---------------------------------------------------------------------------- */

static int contains(const char *s, const char *word)
{
	return strcasestr(s, word) != NULL;
}

/* A Siemens-style kernel, a letter and two digits ("H70h", "B60f"), numbered 60 or more. */
static int sharp_number(const char *k)
{
	return isalpha((unsigned char)k[0]) && isdigit((unsigned char)k[1]) && isdigit((unsigned char)k[2])
	       && !isdigit((unsigned char)k[3]) && (k[1] - '0') * 10 + (k[2] - '0') >= 60;
}

static const char *sharp_word(const ct_series *s)
{
	static const char *const words[] = {"BONE", "DETAIL", "EDGE", "LUNG", "SHARP"};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (contains(s->kernel, words[i]) || contains(s->description, words[i]))
			return words[i];
	return NULL;
}

static const char *contrast_reason(const ct_series *s)
{
	if (s->contrast[0] && strcasecmp(s->contrast, "NONE") && strcasecmp(s->contrast, "NO"))
		return "ContrastBolusAgent";
	if (contains(s->description, "POST"))
		return "POST in SeriesDescription";
	if (contains(s->description, "CONTRAST") && !contains(s->description, "PRE") && !contains(s->description, "NON")
	    && !contains(s->description, "PLAIN"))
		return "CONTRAST in SeriesDescription";
	return NULL;
}

/* Why s is not eligible, into why (empty when it is). */
static void ineligible(const ct_series *s, double max_thickness, char *why, size_t cap)
{
	const char *w;
	why[0] = 0;
#define ADD(...) snprintf(why + strlen(why), cap - strlen(why), __VA_ARGS__)
	if (strcmp(s->modality, "CT"))
		ADD("%snot CT (Modality '%s')", *why ? ", " : "", s->modality);
	if (s->has_normal && s->normal_z < cos(M_PI / 4))
		ADD("%snot axial", *why ? ", " : "");
	if (!s->has_thickness)
		ADD("%sno SliceThickness", *why ? ", " : "");
	else if (s->thickness > max_thickness)
		ADD("%sthickness %s mm > %g mm", *why ? ", " : "", s->thickness_text, max_thickness);
	if (sharp_number(s->kernel))
		ADD("%ssharp kernel %s", *why ? ", " : "", s->kernel);
	else if ((w = sharp_word(s)))
		ADD("%ssharp kernel (%s)", *why ? ", " : "", w);
	if ((w = contrast_reason(s)))
		ADD("%scontrast (%s)", *why ? ", " : "", w);
#undef ADD
}

static int by_rank(const void *a, const void *b)
{
	const ct_series *x = a, *y = b;
	int rx = x->slices ? !x->eligible : 2, ry = y->slices ? !y->eligible : 2;
	if (rx != ry)
		return rx - ry;
	if (x->slices != y->slices)
		return x->slices > y->slices ? -1 : 1;
	double tx = x->has_thickness ? x->thickness : INFINITY, ty = y->has_thickness ? y->thickness : INFINITY;
	if (tx != ty)
		return tx < ty ? -1 : 1;
	return strcmp(x->uid, y->uid);
}

/* Why s (ranked below the chosen c) lost. */
static void lost(const ct_series *s, const ct_series *c, char *why, size_t cap)
{
	if (s->slices != c->slices)
		snprintf(why, cap, "eligible, fewer slices than the chosen (%zu < %zu)", s->slices, c->slices);
	else if (s->has_thickness && c->has_thickness && s->thickness != c->thickness)
		snprintf(why, cap, "eligible, as many slices as the chosen, thicker (%s > %s mm)", s->thickness_text, c->thickness_text);
	else
		snprintf(why, cap, "eligible, ties with the chosen, larger SeriesInstanceUID");
}

ct_code ct_series_choose(ct_series_list *l, double max_thickness)
{
	size_t images = 0, eligible = 0;
	for (size_t i = 0; i < l->n; i++) {
		ct_series *s = &l->s[i];
		ineligible(s, max_thickness, s->why, sizeof s->why);
		s->eligible = s->slices && !s->why[0];
		images += s->slices > 0;
		eligible += s->eligible;
	}
	if (!images) {
		size_t loc = 0, other = 0;
		for (size_t i = 0; i < l->n; i++)
			loc += l->s[i].localizers, other += l->s[i].other;
		return ct_fail(CT_EDATA, "no CT image series (%zu files: %zu not DICOM, %zu localizers, %zu other objects)",
		               l->files, l->not_dicom, loc, other);
	}
	qsort(l->s, l->n, sizeof *l->s, by_rank);
	ct_series *c = &l->s[0];
	for (size_t i = 0; i < l->n; i++) {
		ct_series *s = &l->s[i];
		s->rank = s->slices ? (int)i + 1 : 0;
		char why[sizeof s->why];
		if (!s->slices)
			snprintf(s->why, sizeof s->why, "no image slices (%zu localizers, %zu other objects)", s->localizers, s->other);
		else if (i == 0 && s->eligible)
			snprintf(s->why, sizeof s->why, "chosen: eligible, the most slices (%zu) of %zu eligible series%s",
			         s->slices, eligible, s->mixed_size ? "; slices of mixed sizes" : "");
		else if (i == 0) {
			snprintf(why, sizeof why, "%s", s->why);
			snprintf(s->why, sizeof s->why, "chosen although not eligible (no series is): %.250s; the most slices (%zu)",
			         why, s->slices);
		} else if (s->eligible)
			lost(s, c, s->why, sizeof s->why);
		/* else: not eligible, why says why */
	}
	return CT_OK;
}
