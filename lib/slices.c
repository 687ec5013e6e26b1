/* slices.c: see slices.h. */
#include "slices.h"
#include "dicom.h"
#include "fs.h"
#include "log.h"
#include "par.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What one file's header says, read once on a worker thread. */
typedef struct {
	ct_slice s;            /* path, and what lib/volume needs */
	int dicom, image, localizer;
	char series[CT_UID_LEN];
	int frames;
	long long pixel_bytes; /* see ct_dicom_pixel_bytes() */
	int has_ipp, has_iop, has_ps, has_thickness;
	char *bad;             /* why the file cannot be used (skipped with skip_bad_files) */
} file_info;

typedef struct {
	file_info *f;
	size_t n;
	int skip_bad_files;
} folder;

/* ---- reading the folder ---------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files at the top of dir (symlinks followed), sorted by name. */
static ct_code list_files(const char *dir, folder *fo)
{
	DIR *d = opendir(dir);
	if (!d)
		return ct_fail_errno(CT_EDATA, "%s", dir);
	size_t cap = 256, n = 0;
	char **names = malloc(cap * sizeof *names);
	struct dirent *e;
	while (names && (e = readdir(d))) {
		char *p = ct_path_join(dir, e->d_name);
		struct stat st;
		if (p && (stat(p, &st) != 0 || !S_ISREG(st.st_mode))) {
			free(p);
			continue;
		}
		if (n == cap) {
			char **nn = realloc(names, (cap *= 2) * sizeof *names);
			if (!nn) {
				free(p);
				p = NULL;
			} else {
				names = nn;
			}
		}
		if (!p) {
			for (size_t i = 0; i < n; i++)
				free(names[i]);
			free(names);
			names = NULL;
			break;
		}
		names[n++] = p;
	}
	closedir(d);
	if (!names)
		return ct_fail(CT_ENOMEM, "%s: out of memory listing files", dir);
	qsort(names, n, sizeof *names, by_name);
	fo->n = n;
	fo->f = calloc(n ? n : 1, sizeof *fo->f);
	if (!fo->f) {
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return ct_fail(CT_ENOMEM, "%s: out of memory", dir);
	}
	for (size_t i = 0; i < n; i++)
		fo->f[i].s.path = names[i];
	free(names);
	return CT_OK;
}

static int has_word(const char *list, const char *word)
{
	size_t w = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += w)
		if ((p == list || p[-1] == '\\') && (p[w] == 0 || p[w] == '\\'))
			return 1;
	return 0;
}

static int native(const char *ts)
{
	return !strcmp(ts, "1.2.840.10008.1.2") || !strcmp(ts, "1.2.840.10008.1.2.1") ||
	       !strcmp(ts, "1.2.840.10008.1.2.2");
}

/* A DICOM file that cannot be used (ct_errmsg() says why): an error, or skipped. */
static ct_code bad_file(const folder *fo, file_info *f)
{
	if (!fo->skip_bad_files)
		return CT_EDATA;
	f->dicom = 0;
	f->bad = strdup(ct_errmsg());
	return f->bad ? CT_OK : ct_fail(CT_ENOMEM, "out of memory");
}

static ct_code read_info(void *ctx, size_t i)
{
	folder *fo = ctx;
	file_info *f = &fo->f[i];
	ct_slice *s = &f->s;
	ct_dicom *d;
	if (ct_dicom_open(s->path, &d) != CT_OK) {
		ct_dicom_kind kind = ct_dicom_sniff(s->path);
		if (kind == CT_DICOM_NOT || kind == CT_DICOM_DICOMDIR)
			return CT_OK; /* not DICOM: counted, not an error */
		return bad_file(fo, f); /* DICOM (or unreadable), but no header to be had */
	}
	char type[256];
	double v[2];
	f->dicom = 1;
	ct_dicom_text(d, CT_TAG(0x0020, 0x000e), f->series, sizeof f->series);
	ct_dicom_text(d, CT_TAG(0x0002, 0x0010), s->ts, sizeof s->ts);
	s->native = native(s->ts);
	ct_dicom_text(d, CT_TAG(0x0008, 0x0008), type, sizeof type);
	f->localizer = has_word(type, "LOCALIZER");
	f->image = (s->rows = ct_dicom_int(d, CT_TAG(0x0028, 0x0010), 0)) > 0 &&
	           (s->cols = ct_dicom_int(d, CT_TAG(0x0028, 0x0011), 0)) > 0;
	s->bits = ct_dicom_int(d, CT_TAG(0x0028, 0x0100), 16);
	f->pixel_bytes = ct_dicom_pixel_bytes(d);
	s->pixel_offset = ct_dicom_pixel_offset(d);
	s->bits_stored = ct_dicom_int(d, CT_TAG(0x0028, 0x0101), s->bits);
	s->pixel_rep = ct_dicom_int(d, CT_TAG(0x0028, 0x0103), 0);
	s->samples = ct_dicom_int(d, CT_TAG(0x0028, 0x0002), 1);
	f->frames = ct_dicom_int(d, CT_TAG(0x0028, 0x0008), 1);
	f->has_ipp = ct_dicom_numbers(d, CT_TAG(0x0020, 0x0032), s->ipp, 3) == 3;
	f->has_iop = ct_dicom_numbers(d, CT_TAG(0x0020, 0x0037), s->iop, 6) == 6;
	f->has_ps = ct_dicom_numbers(d, CT_TAG(0x0028, 0x0030), s->ps, 2) == 2;
	f->has_thickness = ct_dicom_numbers(d, CT_TAG(0x0018, 0x0050), &s->thickness, 1) == 1;
	if (ct_dicom_numbers(d, CT_TAG(0x0018, 0x1120), &s->gantry_tilt, 1) != 1)
		s->gantry_tilt = 0;
	s->slope = ct_dicom_numbers(d, CT_TAG(0x0028, 0x1053), v, 1) == 1 && v[0] != 0 ? v[0] : 1;
	s->intercept = ct_dicom_numbers(d, CT_TAG(0x0028, 0x1052), v, 1) == 1 ? v[0] : 0;
	ct_dicom_close(d);
	if (!f->image && f->pixel_bytes > 0) { /* a broken image, never a non-image object */
		ct_fail(CT_EDATA, "%s: (0028,0010) Rows, (0028,0011) Columns: missing or not a number, "
		        "though the file has (7FE0,0010) PixelData", s->path);
		return bad_file(fo, f);
	}
	return CT_OK;
}

static void folder_free(folder *fo)
{
	for (size_t i = 0; i < fo->n; i++) {
		free(fo->f[i].s.path);
		free(fo->f[i].bad);
	}
	free(fo->f);
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

static ct_code note_bad_files(const folder *fo, ct_slices *s)
{
	ct_code c = CT_OK;
	for (size_t i = 0; !c && i < fo->n; i++)
		if (fo->f[i].bad)
			c = note_skipped(s, fo->f[i].s.path, fo->f[i].bad);
	return c;
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

static int is_slice(const file_info *f)
{
	return f->dicom && f->image && !f->localizer;
}

/* The chosen series' UID into s->uid; counts of what is set aside into s. */
static ct_code choose_series(const char *dir, const folder *fo, const char *want, ct_slices *s)
{
	size_t best = 0, slices = 0, scouts = 0;
	char *uid = s->uid;
	uid[0] = 0;
	for (size_t i = 0; i < fo->n; i++) {
		const file_info *f = &fo->f[i];
		s->non_dicom += !f->dicom && !f->bad;
		s->non_image += f->dicom && !f->image;
		scouts += f->dicom && f->image && f->localizer;
		if (!is_slice(f))
			continue;
		slices++;
		size_t count = 0;
		for (size_t j = 0; j < fo->n; j++)
			count += is_slice(&fo->f[j]) && strcmp(fo->f[j].series, f->series) == 0;
		int better = want ? strcmp(f->series, want) == 0
		                  : count > best || (count == best && strcmp(f->series, uid) < 0);
		if (better) {
			best = count;
			snprintf(uid, CT_UID_LEN, "%s", f->series);
		}
	}
	if (!slices)
		return ct_fail(CT_EDATA, "%s: no CT image slices (%zu files: %zu not DICOM, %zu not "
		               "images, %zu localizers)", dir, fo->n, s->non_dicom, s->non_image, scouts);
	if (!best)
		return ct_fail(CT_EDATA, "%s: no image series with SeriesInstanceUID %s", dir, want);
	for (size_t i = 0; i < fo->n; i++) {
		const file_info *f = &fo->f[i];
		if (!is_slice(f) || strcmp(f->series, uid) == 0)
			continue;
		size_t first = 1;
		for (size_t j = 0; j < i && first; j++)
			first = !(is_slice(&fo->f[j]) && strcmp(fo->f[j].series, f->series) == 0);
		if (first) {
			s->other_series++;
			ct_info("%s: series %s set aside (not the one with most slices)", dir, f->series);
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
static void count_instances(const folder *fo, ct_slices *s)
{
	s->thickness_min = INFINITY;
	s->thickness_max = -INFINITY;
	for (size_t i = 0; i < fo->n; i++) {
		const file_info *f = &fo->f[i];
		if (!f->dicom || strcmp(f->series, s->uid) != 0)
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

/* A missing or cut-off PixelData shows in the header read already (GDCM would read a cut-off
 * one with a zero-filled tail). */
static ct_code check_pixels(const file_info *f)
{
	const ct_slice *s = &f->s;
	long long need = (long long)s->rows * s->cols * (s->bits / 8);
	if (f->pixel_bytes == 0)
		return ct_fail(CT_EDATA, "%s: (7FE0,0010) PixelData: missing", s->path);
	if (f->pixel_bytes > 0 && s->native && f->pixel_bytes < need)
		return ct_fail(CT_EDATA, "%s: (7FE0,0010) PixelData: %lld bytes where %dx%d pixels "
		               "need %lld (file truncated)", s->path, f->pixel_bytes, s->cols, s->rows, need);
	return CT_OK;
}

/* Every slice must be a single frame with position, orientation and spacing, and agree with
 * the first on size, orientation and spacing. */
static ct_code check_slices(file_info **fs, size_t n)
{
	const ct_slice *a = &fs[0]->s;
	for (size_t i = 0; i < n; i++) {
		const file_info *f = fs[i];
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
		ct_code c = check_pixels(f);
		if (c)
			return c;
	}
	return CT_OK;
}

/* The chosen series' slices, checked, moved out of the folder into s->slice. */
static ct_code take_slices(folder *fo, ct_slices *s)
{
	file_info **mine = malloc(fo->n * sizeof *mine);
	s->slice = calloc(fo->n ? fo->n : 1, sizeof *s->slice);
	if (!mine || !s->slice) {
		free(mine);
		return ct_fail(CT_ENOMEM, "out of memory");
	}
	size_t n = 0;
	for (size_t i = 0; i < fo->n; i++)
		if (is_slice(&fo->f[i]) && strcmp(fo->f[i].series, s->uid) == 0)
			mine[n++] = &fo->f[i];
	ct_code c = check_slices(mine, n);
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
	folder fo = {.skip_bad_files = o->skip_bad_files};
	ct_code c = list_files(dir, &fo);
	if (c)
		return c;
	ct_dicom_init();
	c = ct_par_for(fo.n, o->threads, read_info, &fo);
	if (!c)
		c = note_bad_files(&fo, s);
	if (!c)
		c = choose_series(dir, &fo, o->series_uid, s);
	if (!c) {
		count_instances(&fo, s);
		c = take_slices(&fo, s);
	}
	folder_free(&fo);
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
	for (size_t i = 0; i < s->nskipped; i++)
		free(s->skipped[i]);
	free(s->skipped);
	s->skipped = NULL;
	s->nskipped = 0;
	s->slice = NULL;
	s->dir = NULL;
	s->n = 0;
}
