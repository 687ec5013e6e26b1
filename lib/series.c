/* series.c: see series.h. */
#include "series.h"
#include "dicom.h"
#include "fs.h"
#include "par.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* What one file's header says. */
typedef struct {
	char *path;
	int dicom, image, localizer;
	ct_series s; /* the file's own values; counts unused */
} header;

typedef struct {
	header *h;
	size_t n, cap;
} files;

static int by_path(const void *a, const void *b)
{
	return strcmp(((const header *)a)->path, ((const header *)b)->path);
}

/* The regular files at the top of dir, in name order, appended to fs. */
static ct_code list_dir(const char *dir, files *fs)
{
	DIR *d = opendir(dir);
	if (!d)
		return ct_fail_errno(CT_EDATA, "%s", dir);
	size_t first = fs->n;
	struct dirent *e;
	ct_code c = CT_OK;
	while (c == CT_OK && (e = readdir(d))) {
		struct stat st;
		char *p = ct_path_join(dir, e->d_name);
		if (!p) {
			c = ct_fail(CT_ENOMEM, "%s: out of memory", dir);
			break;
		}
		if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		if (fs->n == fs->cap) {
			size_t cap = fs->cap ? fs->cap * 2 : 256;
			header *h = realloc(fs->h, cap * sizeof *h);
			if (!h) {
				free(p);
				c = ct_fail(CT_ENOMEM, "%s: out of memory", dir);
				break;
			}
			fs->h = h, fs->cap = cap;
		}
		fs->h[fs->n++] = (header){.path = p};
	}
	closedir(d);
	qsort(fs->h + first, fs->n - first, sizeof *fs->h, by_path);
	return c;
}

static void text(const ct_dicom *d, uint32_t tag, char *out, size_t cap)
{
	if (ct_dicom_text(d, tag, out, cap) < 0)
		out[0] = 0;
	for (char *p = out; *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
}

static ct_code read_header(void *ctx, size_t i)
{
	header *h = &((files *)ctx)->h[i];
	ct_dicom *d;
	if (ct_dicom_sniff(h->path) != CT_DICOM_FILE || ct_dicom_open(h->path, &d) != CT_OK)
		return CT_OK; /* not DICOM: counted, not an error */
	ct_series *s = &h->s;
	double v[6];
	h->dicom = 1;
	text(d, CT_TAG(0x0020, 0x000e), s->uid, sizeof s->uid);
	text(d, CT_TAG(0x0020, 0x0011), s->number, sizeof s->number);
	text(d, CT_TAG(0x0008, 0x0060), s->modality, sizeof s->modality);
	text(d, CT_TAG(0x0008, 0x103e), s->description, sizeof s->description);
	text(d, CT_TAG(0x0018, 0x1210), s->kernel, sizeof s->kernel);
	text(d, CT_TAG(0x0008, 0x0008), s->image_type, sizeof s->image_type);
	for (char *p = s->image_type; (p = strchr(p, '\\')); )
		*p = '/'; /* as CT-FM's table joins values */
	text(d, CT_TAG(0x0018, 0x0010), s->contrast, sizeof s->contrast);
	text(d, CT_TAG(0x0018, 0x0050), s->thickness_text, sizeof s->thickness_text);
	s->has_thickness = ct_dicom_numbers(d, CT_TAG(0x0018, 0x0050), &s->thickness, 1) == 1;
	if (ct_dicom_numbers(d, CT_TAG(0x0018, 0x1120), &s->gantry_tilt, 1) != 1)
		s->gantry_tilt = 0;
	h->image = ct_dicom_numbers(d, CT_TAG(0x0028, 0x0010), v, 1) == 1 && (s->rows = (int)v[0]) > 0
	           && ct_dicom_numbers(d, CT_TAG(0x0028, 0x0011), v, 1) == 1 && (s->cols = (int)v[0]) > 0;
	h->localizer = strstr(s->image_type, "LOCALIZER") != NULL;
	if ((s->has_normal = ct_dicom_numbers(d, CT_TAG(0x0020, 0x0037), v, 6) == 6)) {
		double z = v[0] * v[4] - v[1] * v[3]; /* z of row x column cosines */
		s->normal_z = fabs(z);
	}
	ct_dicom_close(d);
	return CT_OK;
}

/* The series of file h in l, added when new. */
static ct_series *series_of(ct_series_list *l, const header *h, size_t *cap)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->s[i].uid, h->s.uid))
			return &l->s[i];
	if (l->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		ct_series *s = realloc(l->s, nc * sizeof *s);
		if (!s)
			return NULL;
		l->s = s, *cap = nc;
	}
	ct_series *s = &l->s[l->n++];
	*s = h->s;
	s->slices = s->localizers = s->other = 0;
	s->rows = s->cols = 0;
	return s;
}

static ct_code group(const files *fs, ct_series_list *l)
{
	size_t cap = 0;
	for (size_t i = 0; i < fs->n; i++) {
		const header *h = &fs->h[i];
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
				*s = h->s;
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
	files fs = {0};
	ct_code c = CT_OK;
	for (size_t i = 0; c == CT_OK && i < ndirs; i++)
		c = list_dir(dirs[i], &fs);
	ct_dicom_init();
	if (c == CT_OK)
		c = ct_par_for(fs.n, threads, read_header, &fs);
	out->files = fs.n;
	if (c == CT_OK)
		c = group(&fs, out);
	for (size_t i = 0; i < fs.n; i++)
		free(fs.h[i].path);
	free(fs.h);
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
