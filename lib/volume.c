/* volume.c: see volume.h. */
#include "volume.h"
#include "dicom.h"
#include "fs.h"
#include "grid.h"
#include "log.h"
#include "par.h"

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define UID_LEN 68
#define MAX_PLANES 20000

/* What one file's header says, read once on a worker thread. */
typedef struct {
	char *path;
	int dicom, image, localizer;
	char series[UID_LEN], ts[UID_LEN];
	int rows, cols, frames, bits, bits_stored, pixel_rep, samples;
	long long pixel_bytes, pixel_offset; /* see ct_dicom_pixel_bytes(), _offset() */
	int has_ipp, has_iop, has_ps, has_thickness;
	double ipp[3], iop[6], ps[2], slope, intercept, thickness, gantry_tilt;
	float pos;             /* position along the normal of the chosen series */
} file_info;

typedef struct {
	file_info *f;
	size_t n;
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
		free(names);
		return ct_fail(CT_ENOMEM, "%s: out of memory", dir);
	}
	for (size_t i = 0; i < n; i++)
		fo->f[i].path = names[i];
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

static ct_code read_info(void *ctx, size_t i)
{
	file_info *f = &((folder *)ctx)->f[i];
	ct_dicom *d;
	if (ct_dicom_open(f->path, &d) != CT_OK) {
		if (ct_dicom_sniff(f->path) == CT_DICOM_FILE)
			ct_warn("%s; set aside", ct_errmsg()); /* it looked like DICOM: say why it is not read */
		return CT_OK; /* not DICOM: counted, not an error */
	}
	char type[256];
	double v[2];
	f->dicom = 1;
	ct_dicom_text(d, CT_TAG(0x0020, 0x000e), f->series, sizeof f->series);
	ct_dicom_text(d, CT_TAG(0x0002, 0x0010), f->ts, sizeof f->ts);
	ct_dicom_text(d, CT_TAG(0x0008, 0x0008), type, sizeof type);
	f->localizer = has_word(type, "LOCALIZER");
	f->image = (f->rows = ct_dicom_int(d, CT_TAG(0x0028, 0x0010), 0)) > 0 &&
	           (f->cols = ct_dicom_int(d, CT_TAG(0x0028, 0x0011), 0)) > 0;
	f->bits = ct_dicom_int(d, CT_TAG(0x0028, 0x0100), 16);
	f->pixel_bytes = ct_dicom_pixel_bytes(d);
	f->pixel_offset = ct_dicom_pixel_offset(d);
	f->bits_stored = ct_dicom_int(d, CT_TAG(0x0028, 0x0101), f->bits);
	f->pixel_rep = ct_dicom_int(d, CT_TAG(0x0028, 0x0103), 0);
	f->samples = ct_dicom_int(d, CT_TAG(0x0028, 0x0002), 1);
	f->frames = ct_dicom_int(d, CT_TAG(0x0028, 0x0008), 1);
	f->has_ipp = ct_dicom_numbers(d, CT_TAG(0x0020, 0x0032), f->ipp, 3) == 3;
	f->has_iop = ct_dicom_numbers(d, CT_TAG(0x0020, 0x0037), f->iop, 6) == 6;
	f->has_ps = ct_dicom_numbers(d, CT_TAG(0x0028, 0x0030), f->ps, 2) == 2;
	f->has_thickness = ct_dicom_numbers(d, CT_TAG(0x0018, 0x0050), &f->thickness, 1) == 1;
	if (ct_dicom_numbers(d, CT_TAG(0x0018, 0x1120), &f->gantry_tilt, 1) != 1)
		f->gantry_tilt = 0;
	f->slope = ct_dicom_numbers(d, CT_TAG(0x0028, 0x1053), v, 1) == 1 && v[0] != 0 ? v[0] : 1;
	f->intercept = ct_dicom_numbers(d, CT_TAG(0x0028, 0x1052), v, 1) == 1 ? v[0] : 0;
	ct_dicom_close(d);
	return CT_OK;
}

static void folder_free(folder *fo)
{
	for (size_t i = 0; i < fo->n; i++)
		free(fo->f[i].path);
	free(fo->f);
}

/* ---- choosing and checking the series --------------------------------------------------- */

static int is_slice(const file_info *f)
{
	return f->dicom && f->image && !f->localizer;
}

/* The chosen series' UID into uid; counts of what is set aside into m. */
static ct_code choose_series(const char *dir, const folder *fo, const char *want, char *uid,
                             ct_volume_meta *m)
{
	size_t best = 0, slices = 0, scouts = 0;
	uid[0] = 0;
	for (size_t i = 0; i < fo->n; i++) {
		const file_info *f = &fo->f[i];
		m->non_dicom += !f->dicom;
		m->non_image += f->dicom && !f->image;
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
			snprintf(uid, UID_LEN, "%s", f->series);
		}
	}
	if (!slices)
		return ct_fail(CT_EDATA, "%s: no CT image slices (%zu files: %zu not DICOM, %zu not "
		               "images, %zu localizers)", dir, fo->n, m->non_dicom, m->non_image, scouts);
	if (!best)
		return ct_fail(CT_EDATA, "%s: no image series with SeriesInstanceUID %s", dir, want);
	for (size_t i = 0; i < fo->n; i++) {
		const file_info *f = &fo->f[i];
		int mine = f->dicom && strcmp(f->series, uid) == 0;
		m->localizers += mine && f->localizer;
		if (!is_slice(f) || mine)
			continue;
		size_t first = 1;
		for (size_t j = 0; j < i && first; j++)
			first = !(is_slice(&fo->f[j]) && strcmp(fo->f[j].series, f->series) == 0);
		if (first) {
			m->other_series++;
			ct_info("%s: series %s set aside (not the one with most slices)", dir, f->series);
		}
	}
	return CT_OK;
}

static int differs(const double *a, const double *b, int n, double tol)
{
	for (int i = 0; i < n; i++)
		if (fabs(a[i] - b[i]) > tol)
			return 1;
	return 0;
}

static int native(const char *ts)
{
	return !strcmp(ts, "1.2.840.10008.1.2") || !strcmp(ts, "1.2.840.10008.1.2.1") ||
	       !strcmp(ts, "1.2.840.10008.1.2.2");
}

/* A missing or cut-off PixelData shows in the header read already (GDCM would read a cut-off
 * one with a zero-filled tail). */
static ct_code check_pixels(const file_info *f)
{
	long long need = (long long)f->rows * f->cols * (f->bits / 8);
	if (f->pixel_bytes == 0)
		return ct_fail(CT_EDATA, "%s: (7FE0,0010) PixelData: missing", f->path);
	if (f->pixel_bytes > 0 && native(f->ts) && f->pixel_bytes < need)
		return ct_fail(CT_EDATA, "%s: (7FE0,0010) PixelData: %lld bytes where %dx%d pixels "
		               "need %lld (file truncated)", f->path, f->pixel_bytes, f->cols, f->rows, need);
	return CT_OK;
}

/* Every slice must be a single frame with position, orientation and spacing, and agree with
 * the first on size, orientation and spacing. */
static ct_code check_slices(file_info **s, size_t n)
{
	const file_info *a = s[0];
	for (size_t i = 0; i < n; i++) {
		const file_info *f = s[i];
		if (!f->has_iop)
			return ct_fail(CT_EDATA, "%s: (0020,0037) ImageOrientationPatient: missing", f->path);
		if (!f->has_ipp)
			return ct_fail(CT_EDATA, "%s: (0020,0032) ImagePositionPatient: missing", f->path);
		if (!f->has_ps)
			return ct_fail(CT_EDATA, "%s: (0028,0030) PixelSpacing: missing", f->path);
		if (f->frames > 1)
			return ct_fail(CT_EDATA, "%s: (0028,0008) NumberOfFrames: %d (multi-frame images "
			               "are not supported)", f->path, f->frames);
		if ((size_t)f->rows * (size_t)f->cols > CT_DICOM_MAX_PIXELS)
			return ct_fail(CT_EDATA, "%s: (0028,0010) Rows, (0028,0011) Columns: %dx%d: more than the "
			               "%zu pixels a slice may have", f->path, f->cols, f->rows, (size_t)CT_DICOM_MAX_PIXELS);
		if (f->rows != a->rows || f->cols != a->cols)
			return ct_fail(CT_EDATA, "%s: (0028,0010) Rows, (0028,0011) Columns: %dx%d, but %s "
			               "is %dx%d", f->path, f->rows, f->cols, a->path, a->rows, a->cols);
		if (differs(f->iop, a->iop, 6, 1e-4))
			return ct_fail(CT_EDATA, "%s: (0020,0037) ImageOrientationPatient: differs from %s",
			               f->path, a->path);
		if (differs(f->ps, a->ps, 2, 1e-4))
			return ct_fail(CT_EDATA, "%s: (0028,0030) PixelSpacing: differs from %s", f->path,
			               a->path);
		ct_code c = check_pixels(f);
		if (c)
			return c;
	}
	return CT_OK;
}

/* ---- geometry ----------------------------------------------------------------------------- */

static void cross(const double *a, const double *b, double *c)
{
	c[0] = a[1] * b[2] - a[2] * b[1];
	c[1] = a[2] * b[0] - a[0] * b[2];
	c[2] = a[0] * b[1] - a[1] * b[0];
	double len = sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
	for (int i = 0; i < 3 && len > 0; i++)
		c[i] /= len;
}

/* A dot product with every operation rounded to single precision (volatile keeps the compiler
 * from fusing or widening). */
static float dot_f(const float *p, const float *n)
{
	volatile float a = p[0] * n[0], b = p[1] * n[1], c = p[2] * n[2];
	volatile float ab = a + b;
	return ab + c;
}

static int by_position(const void *a, const void *b)
{
	const file_info *x = *(file_info *const *)a, *y = *(file_info *const *)b;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return strcmp(x->path, y->path);
}

static double tilt_of(const file_info *a, const file_info *b, const double *normal)
{
	double d[3] = {b->ipp[0] - a->ipp[0], b->ipp[1] - a->ipp[1], b->ipp[2] - a->ipp[2]};
	double len = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
	if (len < 1e-6)
		return 0;
	double c = fabs(d[0] * normal[0] + d[1] * normal[1] + d[2] * normal[2]) / len;
	return acos(c > 1 ? 1 : c) * 180 / M_PI;
}

/* ---- pixels ------------------------------------------------------------------------------- */

/* Uncompressed pixels need no codec: read the value where the header read stopped. */
static ct_code read_native(const file_info *f, size_t n, int32_t *out)
{
	size_t bytes = n * (size_t)(f->bits / 8);
	unsigned char *buf = malloc(bytes ? bytes : 1);
	if (!buf)
		return ct_fail(CT_ENOMEM, "%s: out of memory", f->path);
	int fd = open(f->path, O_RDONLY);
	ssize_t got = fd < 0 ? -1 : pread(fd, buf, bytes, (off_t)f->pixel_offset);
	ct_code c = CT_OK;
	if (fd < 0)
		c = ct_fail_errno(CT_EIO, "%s", f->path);
	else if (got != (ssize_t)bytes)
		c = ct_fail(CT_EDATA, "%s: (7FE0,0010) PixelData: cannot be read (file truncated)", f->path);
	if (fd >= 0)
		close(fd);
	if (!c && f->bits == 16 && !strcmp(f->ts, "1.2.840.10008.1.2.2")) /* big endian */
		for (size_t i = 0; i < bytes; i += 2) {
			unsigned char t = buf[i];
			buf[i] = buf[i + 1];
			buf[i + 1] = t;
		}
	if (!c)
		ct_dicom_stored_values(buf, n, f->bits, f->bits_stored, f->pixel_rep == 1, out);
	free(buf);
	return c;
}

/* One slice's stored values: straight from the file when uncompressed, else through GDCM. */
static ct_code decode_slice(const file_info *f, int32_t *out)
{
	if (f->pixel_offset >= 0 && native(f->ts) && f->samples == 1 && (f->bits == 8 || f->bits == 16))
		return read_native(f, (size_t)f->rows * f->cols, out);
	return ct_dicom_decode(f->path, f->rows, f->cols, out);
}

typedef struct {
	file_info **s;         /* real slices, in position order */
	size_t n, voxels;      /* voxels of one plane */
	size_t *first_plane;   /* the first plane that copies slice i; SIZE_MAX: not needed */
	size_t *last_plane;    /* ...and the last (planes first..last all copy slice i) */
	int rows, cols;
	ct_nrrd_type type;
	int clamp;             /* forced int16: round and clamp rather than report overflow */
	void *out;             /* the planes */
	float *real;           /* linear resampling: every real slice's HU, in float */
	double *lo, *hi;       /* per slice: smallest and largest HU */
	int *overflow;         /* per slice: an HU outside int16 */
	atomic_bool overflowed; /* any slice so far: the sink is spared the rest */
	const ct_volume_sink *sink;
} decode_job;

/* The common case: integer slope and intercept into int16, in integer arithmetic. */
static int store_int(decode_job *j, size_t i, const int32_t *raw, int16_t *dst)
{
	const file_info *f = j->s[i];
	if (j->type != CT_NRRD_INT16 || f->slope != floor(f->slope) || fabs(f->slope) > 65536 ||
	    f->intercept != floor(f->intercept) || fabs(f->intercept) > 1e9)
		return 0;
	int64_t m = (int64_t)f->slope, b = (int64_t)f->intercept, lo = INT64_MAX, hi = INT64_MIN;
	for (size_t k = 0; k < j->voxels; k++) {
		int64_t hu = raw[k] * m + b;
		lo = hu < lo ? hu : lo;
		hi = hu > hi ? hu : hi;
		dst[k] = (int16_t)(hu < -32768 ? -32768 : hu > 32767 ? 32767 : hu);
	}
	int over = lo < -32768 || hi > 32767;
	j->lo[i] = (double)(lo < -32768 ? -32768 : lo);
	j->hi[i] = (double)(hi > 32767 ? 32767 : hi);
	j->overflow[i] = over && !j->clamp;
	return 1;
}

static void store(decode_job *j, size_t i, const int32_t *raw, void *dst)
{
	const file_info *f = j->s[i];
	if (store_int(j, i, raw, dst))
		return;
	double lo = INFINITY, hi = -INFINITY;
	int over = 0;
	for (size_t k = 0; k < j->voxels; k++) {
		double hu = raw[k] * f->slope + f->intercept;
		if (hu < -32768 || hu > 32767) {
			over = 1;
			hu = hu < 0 ? -32768 : 32767;
		}
		if (j->type == CT_NRRD_INT16) {
			((int16_t *)dst)[k] = (int16_t)lrint(hu);
			hu = ((int16_t *)dst)[k];
		} else {
			((float *)dst)[k] = (float)(raw[k] * f->slope + f->intercept);
			hu = ((float *)dst)[k];
		}
		lo = hu < lo ? hu : lo;
		hi = hu > hi ? hu : hi;
	}
	j->lo[i] = lo;
	j->hi[i] = hi;
	j->overflow[i] = over && j->type == CT_NRRD_INT16 && !j->clamp;
}

/* Nearest-slice filling: the planes after the first that show slice i are copies of it. */
static void copy_planes(decode_job *j, size_t i)
{
	if (j->real)
		return; /* linear: blend() fills the planes */
	size_t bytes = j->voxels * ct_nrrd_type_size(j->type);
	char *first = (char *)j->out + j->first_plane[i] * bytes;
	for (size_t k = j->first_plane[i] + 1; k <= j->last_plane[i]; k++)
		memcpy((char *)j->out + k * bytes, first, bytes);
}

static ct_code decode_one(void *ctx, size_t i)
{
	decode_job *j = ctx;
	j->lo[i] = INFINITY;
	j->hi[i] = -INFINITY;
	if (j->first_plane[i] == SIZE_MAX)
		return CT_OK;
	int32_t *raw = malloc(j->voxels * sizeof *raw);
	if (!raw)
		return ct_fail(CT_ENOMEM, "%s: out of memory", j->s[i]->path);
	ct_code c = decode_slice(j->s[i], raw);
	if (!c) {
		void *dst = j->real ? (void *)(j->real + i * j->voxels)
		                    : (char *)j->out + j->first_plane[i] * j->voxels * ct_nrrd_type_size(j->type);
		store(j, i, raw, dst);
		if (j->overflow[i])
			atomic_store(&j->overflowed, 1);
		copy_planes(j, i);
	}
	free(raw);
	return c;
}

/* The pieces the sink takes are final once the slices filling their planes are decoded. */
static ct_code use_piece(void *ctx, size_t k)
{
	decode_job *j = ctx;
	return atomic_load(&j->overflowed) ? CT_OK : j->sink->piece(j->sink->ctx, k);
}

/* Two files at one position: fine when their HU are the same, an error otherwise. */
static ct_code same_pixels(const file_info *a, const file_info *b, int rows, int cols)
{
	size_t n = (size_t)rows * cols;
	int32_t *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	ct_code c = x && y ? decode_slice(a, x) : ct_fail(CT_ENOMEM, "out of memory");
	if (!c)
		c = decode_slice(b, y);
	for (size_t k = 0; !c && k < n; k++)
		if (x[k] * a->slope + a->intercept != y[k] * b->slope + b->intercept)
			c = ct_fail(CT_EDATA, "%s and %s: (0020,0032) ImagePositionPatient: the same "
			            "position (%g\\%g\\%g) with different pixels", a->path, b->path,
			            a->ipp[0], a->ipp[1], a->ipp[2]);
	free(x);
	free(y);
	return c;
}

/* ---- the whole conversion ------------------------------------------------------------------ */

typedef struct {
	file_info **s;   /* the series' slices */
	size_t n;        /* ...of which the first n are at distinct positions, in position order */
	size_t all;
	double normal[3];
	float nf[3];     /* the normal in single precision, as plastimatch has it */
	ct_grid g;
	size_t *near, *lo;
	float *w;
} layout;

/* Sort by position along the normal, move duplicates (same position) behind the distinct
 * slices, and check that each duplicate's pixels equal those of the slice it repeats. */
static ct_code order_slices(layout *L, const file_info *ref, ct_volume_meta *m)
{
	cross(ref->iop, ref->iop + 3, L->normal);
	/* Positions in single precision, every operation rounded, as plastimatch computes them:
	 * where a grid step falls half-way, the rounding decides which plane a slice lands on. */
	const float *o = (float[6]){(float)ref->iop[0], (float)ref->iop[1], (float)ref->iop[2],
	                            (float)ref->iop[3], (float)ref->iop[4], (float)ref->iop[5]};
	volatile float n0 = o[1] * o[5] - o[2] * o[4], n1 = o[2] * o[3] - o[0] * o[5],
	               n2 = o[0] * o[4] - o[1] * o[3];
	L->nf[0] = n0;
	L->nf[1] = n1;
	L->nf[2] = n2;
	for (size_t i = 0; i < L->all; i++) {
		const double *p = L->s[i]->ipp;
		L->s[i]->pos = dot_f((float[3]){(float)p[0], (float)p[1], (float)p[2]}, L->nf);
	}
	qsort(L->s, L->all, sizeof *L->s, by_position);
	file_info **dup = malloc(L->all * sizeof *dup), **kept = malloc(L->all * sizeof *kept);
	if (!dup || !kept) {
		free(dup);
		free(kept);
		return ct_fail(CT_ENOMEM, "out of memory");
	}
	size_t n = 0, d = 0;
	for (size_t i = 0; i < L->all; i++) {
		if (n && fabsf(L->s[i]->pos - L->s[n - 1]->pos) < 1e-3f) {
			kept[d] = L->s[n - 1];
			dup[d++] = L->s[i];
		} else {
			L->s[n++] = L->s[i];
		}
	}
	ct_code c = CT_OK;
	for (size_t i = 0; i < d && !c; i++) {
		c = same_pixels(kept[i], dup[i], ref->rows, ref->cols);
		L->s[n + i] = dup[i];
	}
	free(dup);
	free(kept);
	L->n = n;
	m->duplicates = d;
	m->real_slices = n;
	m->unique_positions = d == 0;
	return c;
}

/* plastimatch measures the planes' distance to the slices from plane 0's position recomputed
 * from its 3-D origin (the anchor slice's position stepped back along the normal, in single
 * precision): at a gap of exactly two steps, that rounding decides which neighbour fills it. */
static void set_zfill(layout *L)
{
	for (size_t i = 0; i < L->n; i++) {
		if (L->s[i]->pos != L->g.anchor)
			continue;
		float back = (float)L->g.before * L->g.step, o[3];
		for (int k = 0; k < 3; k++) {
			volatile float d = back * L->nf[k];
			o[k] = (float)L->s[i]->ipp[k] - d;
		}
		L->g.zfill = dot_f(o, L->nf);
		return;
	}
}

static int by_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

/* The grid is planned over every slice, duplicates included: plastimatch's runs break at a
 * repeated position, and its grid is what we reproduce. Planes then take distinct slices. */
static ct_code plan_layout(layout *L, const char *dir)
{
	float *z = calloc(L->all + 1, sizeof *z), *all = calloc(L->all + 1, sizeof *all);
	if (!z || !all) {
		free(z);
		free(all);
		return ct_fail(CT_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < L->all; i++)
		all[i] = z[i] = L->s[i]->pos;
	qsort(all, L->all, sizeof *all, by_float);
	L->g = ct_grid_plan(all, L->all, (float)L->s[0]->thickness);
	free(all);
	if (L->g.planes > MAX_PLANES) {
		double span = z[L->n - 1] - z[0];
		free(z);
		return ct_fail(CT_EDATA, "%s: slices span %g mm at steps of %g mm: more than %d planes",
		               dir, span, (double)L->g.step, MAX_PLANES);
	}
	set_zfill(L);
	L->near = malloc(L->g.planes * sizeof *L->near);
	L->lo = malloc(L->g.planes * sizeof *L->lo);
	L->w = malloc(L->g.planes * sizeof *L->w);
	if (L->near && L->lo && L->w)
		ct_grid_fill(&L->g, z, L->n, L->near, L->lo, L->w);
	free(z);
	return L->near && L->lo && L->w ? CT_OK : ct_fail(CT_ENOMEM, "out of memory");
}

/* Linear resampling: each plane from the real slices below and above it. */
static void blend(decode_job *j, const layout *L)
{
	for (size_t k = 0; k < L->g.planes; k++) {
		const float *a = j->real + L->lo[k] * j->voxels;
		const float *b = L->w[k] > 0 ? a + j->voxels : a;
		float w = L->w[k];
		for (size_t x = 0; x < j->voxels; x++) {
			float hu = (1 - w) * a[x] + w * b[x];
			if (j->type == CT_NRRD_INT16)
				((int16_t *)j->out)[k * j->voxels + x] = (int16_t)lrintf(fminf(fmaxf(hu, -32768), 32767));
			else
				((float *)j->out)[k * j->voxels + x] = hu;
		}
	}
}

/* Piece k (of piece bytes) needs every plane it touches: need[k] = how many slices, in order,
 * fill the planes before its end. Linear resampling fills every plane before any piece. */
static void plan_need(const decode_job *j, size_t planes, size_t piece, size_t pieces, size_t *need)
{
	size_t plane_bytes = j->voxels * ct_nrrd_type_size(j->type), total = planes * plane_bytes, i = 0;
	for (size_t k = 0; k < pieces; k++) {
		size_t end = (k + 1) * piece < total ? (k + 1) * piece : total;
		size_t end_plane = (end + plane_bytes - 1) / plane_bytes;
		while (!j->real && i < j->n && (j->first_plane[i] == SIZE_MAX || j->first_plane[i] < end_plane))
			i++;
		need[k] = j->real ? 0 : i;
	}
}

static ct_code alloc_job(decode_job *j, const layout *L, int linear)
{
	j->first_plane = malloc(L->n * sizeof *j->first_plane);
	j->last_plane = malloc(L->n * sizeof *j->last_plane);
	j->lo = malloc(L->n * sizeof *j->lo);
	j->hi = malloc(L->n * sizeof *j->hi);
	j->overflow = calloc(L->n, sizeof *j->overflow);
	j->out = malloc(L->g.planes * j->voxels * ct_nrrd_type_size(j->type));
	if (linear)
		j->real = malloc(L->n * j->voxels * sizeof *j->real);
	if (!j->first_plane || !j->last_plane || !j->lo || !j->hi || !j->overflow || !j->out || (linear && !j->real))
		return ct_fail(CT_ENOMEM, "out of memory for %zu planes of %dx%d", L->g.planes, j->cols, j->rows);
	for (size_t i = 0; i < L->n; i++)
		j->first_plane[i] = linear ? 0 : SIZE_MAX;
	for (size_t k = L->g.planes; !linear && k-- > 0;) {
		if (j->first_plane[L->near[k]] == SIZE_MAX)
			j->last_plane[L->near[k]] = k;
		j->first_plane[L->near[k]] = k;
	}
	return CT_OK;
}

static void free_job(decode_job *j)
{
	free(j->first_plane);
	free(j->last_plane);
	free(j->lo);
	free(j->hi);
	free(j->overflow);
	free(j->real);
}

/* Decode the slices and hand the sink each piece of v->data as soon as its planes are filled:
 * decoding and compressing overlap. Linear resampling blends every plane first. */
static ct_code decode_to_sink(decode_job *j, const layout *L, int threads, ct_volume *v)
{
	ct_code c = CT_OK;
	if (j->real) {
		c = ct_par_for(L->n, threads, decode_one, j);
		if (!c)
			blend(j, L);
	}
	size_t piece = 1, pieces = 0, *need = NULL;
	if (!c && j->sink)
		c = j->sink->begin(j->sink->ctx, v, &piece, &pieces);
	if (!c && pieces && !(need = malloc(pieces * sizeof *need)))
		c = ct_fail(CT_ENOMEM, "out of memory");
	if (!c) {
		plan_need(j, L->g.planes, piece, pieces, need);
		c = ct_par_flow(j->real ? 0 : L->n, pieces, need, threads, decode_one, use_piece, j);
	}
	free(need);
	return c;
}

/* Decode what the planes need into v->data, as type, handing it to the sink on the way. */
static ct_code fill_planes(const layout *L, ct_nrrd_type type, int clamp, int linear,
                           const ct_volume_opts *o, ct_volume *v, int *overflow)
{
	const file_info *ref = L->s[0];
	decode_job j = {.s = L->s, .n = L->n, .voxels = (size_t)ref->rows * ref->cols, .rows = ref->rows,
	                .cols = ref->cols, .type = type, .clamp = clamp, .sink = o->sink};
	atomic_init(&j.overflowed, 0);
	ct_code c = alloc_job(&j, L, linear);
	v->data = j.out;
	v->nrrd.type = type;
	if (!c)
		c = decode_to_sink(&j, L, o->threads, v);
	*overflow = 0;
	v->meta.hu_min = INFINITY;
	v->meta.hu_max = -INFINITY;
	for (size_t i = 0; !c && i < L->n; i++) {
		*overflow |= j.overflow[i];
		v->meta.hu_min = fmin(v->meta.hu_min, j.lo[i]);
		v->meta.hu_max = fmax(v->meta.hu_max, j.hi[i]);
	}
	free_job(&j);
	if (c || *overflow) {
		free(v->data);
		v->data = NULL;
	}
	return c;
}

static int integral(double x)
{
	return x == floor(x);
}

static ct_code load_pixels(const layout *L, const ct_volume_opts *o, ct_volume *v)
{
	int linear = o->resample == CT_RESAMPLE_LINEAR, overflow = 0;
	ct_nrrd_type type = CT_NRRD_INT16;
	if (o->type == CT_TYPE_FLOAT || (o->type == CT_TYPE_AUTO && linear))
		type = CT_NRRD_FLOAT32;
	for (size_t i = 0; i < L->n && o->type == CT_TYPE_AUTO; i++)
		if (!integral(L->s[i]->slope) || !integral(L->s[i]->intercept))
			type = CT_NRRD_FLOAT32;
	ct_code c = fill_planes(L, type, o->type == CT_TYPE_SHORT, linear, o, v, &overflow);
	if (!c && overflow) { /* HU beyond int16: float keeps them */
		if (o->sink)
			o->sink->cancel(o->sink->ctx);
		c = fill_planes(L, CT_NRRD_FLOAT32, 0, linear, o, v, &overflow);
	}
	return c;
}

static void set_geometry(const layout *L, ct_volume *v)
{
	const file_info *f = L->s[0], *a = f;
	ct_nrrd *h = &v->nrrd;
	/* The origin steps back from the slice the grid is laid from, along the normal (as
	 * plastimatch): with gantry tilt that is not the first slice's position. */
	for (size_t i = 0; i < L->n; i++)
		if (L->s[i]->pos == L->g.anchor) {
			a = L->s[i];
			break;
		}
	h->dim = 3;
	h->has_space = 1;
	h->sizes[0] = (size_t)f->cols;
	h->sizes[1] = (size_t)f->rows;
	h->sizes[2] = L->g.planes;
	for (int k = 0; k < 3; k++) {
		h->directions[0][k] = f->iop[k] * f->ps[1];  /* along a row: column spacing */
		h->directions[1][k] = f->iop[3 + k] * f->ps[0];
		h->directions[2][k] = L->normal[k] * L->g.step;
		h->origin[k] = a->ipp[k] + (double)(L->g.z0 - a->pos) * L->normal[k];
	}
	/* One slice shows no tilt in its positions: then GantryDetectorTilt is all there is. */
	v->meta.tilt_deg = L->n > 1 ? tilt_of(L->s[0], L->s[L->n - 1], L->normal) : fabs(f->gantry_tilt);
	v->meta.irregular = L->g.planes != L->n;
	for (size_t i = 1; i < L->n; i++)
		if (fabsf(L->s[i]->pos - L->s[i - 1]->pos - L->g.step) > 0.01f)
			v->meta.irregular = 1;
}

/* CT-FM's text columns from one header; multi-values joined by '/'. */
static void header_text(const ct_dicom *d, uint32_t tag, char *out)
{
	ct_dicom_text(d, tag, out, CT_META_TEXT);
	for (char *p = out; *p; p++)
		if (*p == '\\')
			*p = '/';
}

static ct_code read_columns(const char *path, ct_volume_meta *m)
{
	ct_dicom *d;
	ct_code c = ct_dicom_open(path, &d);
	if (c)
		return c;
	header_text(d, CT_TAG(0x0020, 0x000e), m->series_uid);
	header_text(d, CT_TAG(0x0010, 0x0020), m->patient_id);
	header_text(d, CT_TAG(0x0018, 0x0015), m->body_part);
	header_text(d, CT_TAG(0x0018, 0x0010), m->contrast);
	header_text(d, CT_TAG(0x0008, 0x0008), m->image_type);
	header_text(d, CT_TAG(0x0020, 0x000d), m->study_uid);
	header_text(d, CT_TAG(0x0012, 0x0050), m->time_point);
	header_text(d, CT_TAG(0x0028, 0x0030), m->pixel_spacing);
	header_text(d, CT_TAG(0x0018, 0x0050), m->slice_thickness);
	header_text(d, CT_TAG(0x0018, 0x1210), m->kernel);
	header_text(d, CT_TAG(0x0018, 0x1100), m->recon_diameter);
	header_text(d, CT_TAG(0x0008, 0x0070), m->manufacturer);
	ct_dicom_close(d);
	return CT_OK;
}

/* What CT-FM's query asks of the series: every instance counted, localizers included. */
static void series_flags(const folder *fo, const char *uid, const layout *L, ct_volume_meta *m)
{
	size_t thick = 0, thick_ok = 0;
	char ts[CT_META_TEXT] = "";
	for (size_t i = 0; i < fo->n; i++) {
		const file_info *f = &fo->f[i];
		if (!f->dicom || strcmp(f->series, uid) != 0)
			continue;
		m->num_instances++;
		thick += f->has_thickness;
		thick_ok += f->has_thickness && f->thickness >= 1 && f->thickness <= 5;
	}
	for (size_t i = 0; i < L->all; i++) /* distinct transfer syntaxes, '/'-joined */
		if (!has_word(ts, L->s[i]->ts) && strlen(ts) + strlen(L->s[i]->ts) + 2 < sizeof ts)
			snprintf(ts + strlen(ts), sizeof ts - strlen(ts), "%s%s", *ts ? "\\" : "", L->s[i]->ts);
	for (char *p = ts; *p; p++)
		*p = *p == '\\' ? '/' : *p;
	snprintf(m->transfer_syntax, sizeof m->transfer_syntax, "%s", ts);
	m->thickness_1_5mm = thick > 0 && thick_ok == thick;
	m->more_than_50_slices = m->num_instances > 50;
	m->no_localizer = m->localizers == 0;
}

static ct_code convert(const char *dir, const ct_volume_opts *o, folder *fo, ct_volume *v)
{
	char uid[UID_LEN];
	ct_code c = choose_series(dir, fo, o->series_uid, uid, &v->meta);
	if (c)
		return c;
	layout L = {0};
	L.s = malloc(fo->n * sizeof *L.s);
	if (!L.s)
		return ct_fail(CT_ENOMEM, "out of memory");
	for (size_t i = 0; i < fo->n; i++)
		if (is_slice(&fo->f[i]) && strcmp(fo->f[i].series, uid) == 0)
			L.s[L.all++] = &fo->f[i];
	c = check_slices(L.s, L.all);
	if (!c)
		c = order_slices(&L, L.s[0], &v->meta);
	if (!c)
		c = plan_layout(&L, dir);
	size_t voxels = (size_t)L.s[0]->rows * (size_t)L.s[0]->cols, max = o->max_voxels ? o->max_voxels : CT_VOLUME_MAX_VOXELS;
	if (!c && L.g.planes > max / voxels)
		c = ct_fail(CT_EDATA, "%s: %zu planes of %dx%d: more than the %zu voxels a volume may have", dir,
		            L.g.planes, L.s[0]->cols, L.s[0]->rows, max);
	if (!c) {
		set_geometry(&L, v);
		c = load_pixels(&L, o, v);
	}
	if (!c) {
		series_flags(fo, uid, &L, &v->meta);
		c = read_columns(L.s[0]->path, &v->meta);
	}
	if (!c && v->meta.tilt_deg > 0.01)
		ct_warn("%s: gantry tilt of %.2f degrees: recorded, not corrected", dir, v->meta.tilt_deg);
	if (!c && v->meta.irregular)
		ct_warn("%s: uneven slice spacing: %zu slices laid on %zu planes %g mm apart", dir,
		        L.n, L.g.planes, (double)L.g.step);
	free(L.s);
	free(L.near);
	free(L.lo);
	free(L.w);
	return c;
}

ct_code ct_volume_load(const char *dir, const ct_volume_opts *o, ct_volume *v)
{
	memset(v, 0, sizeof *v);
	folder fo = {0};
	ct_code c = list_files(dir, &fo);
	if (c)
		return c;
	ct_dicom_init();
	c = ct_par_for(fo.n, o->threads, read_info, &fo);
	if (!c)
		c = convert(dir, o, &fo, v);
	folder_free(&fo);
	if (c)
		ct_volume_free(v);
	return c;
}

void ct_volume_free(ct_volume *v)
{
	free(v->data);
	v->data = NULL;
}

/* ---- the metadata record ------------------------------------------------------------------- */

static const char *columns[] = {
	"SeriesInstanceUID", "PatientID", "BodyPartExamined", "ContrastBolusAgent", "ImageType",
	"num_instances", "StudyInstanceUID", "ClinicalTrialTimePointID", "PixelSpacing",
	"SliceThickness", "ConvolutionKernel", "ReconstructionDiameter", "Manufacturer",
	"rows", "columns", "slices", "spacing", "origin", "direction", "hu_min", "hu_max",
	"transfer_syntax", "irregular_spacing", "tilt_deg", "thickness_1_5mm",
	"more_than_50_slices", "unique_positions", "no_localizer", NULL};

/* Append "\t" (except first) and text with tabs and newlines made spaces. */
static void put(char *buf, size_t cap, int first, const char *text)
{
	size_t n = strlen(buf);
	if (!first && n + 1 < cap)
		buf[n++] = '\t';
	for (; *text && n + 1 < cap; text++)
		buf[n++] = *text == '\t' || *text == '\n' || *text == '\r' ? ' ' : *text;
	buf[n] = 0;
}

static void put_numbers(char *buf, size_t cap, const double *v, int n)
{
	char s[400] = "", one[32];
	for (int i = 0; i < n; i++) {
		snprintf(one, sizeof one, "%.6f", fabs(v[i]) < 5e-7 ? 0 : v[i]);
		char *end = one + strlen(one); /* no trailing zeros: 0.78, -200 */
		while (end[-1] == '0')
			*--end = 0;
		if (end[-1] == '.')
			end[-1] = 0;
		snprintf(s + strlen(s), sizeof s - strlen(s), "%s%s", i ? "/" : "", one);
	}
	put(buf, cap, 0, s);
}

char *ct_volume_meta_tsv(const ct_volume *v)
{
	size_t cap = 8192;
	char *b = calloc(1, cap), num[64];
	if (!b)
		return NULL;
	for (int i = 0; columns[i]; i++)
		put(b, cap, i == 0, columns[i]);
	strcat(b, "\n");
	const ct_volume_meta *m = &v->meta;
	const ct_nrrd *h = &v->nrrd;
	size_t row = strlen(b);
	put(b + row, cap - row, 1, m->series_uid);
	const char *text1[] = {m->patient_id, m->body_part, m->contrast, m->image_type};
	for (int i = 0; i < 4; i++)
		put(b + row, cap - row, 0, text1[i]);
	snprintf(num, sizeof num, "%zu", m->num_instances);
	put(b + row, cap - row, 0, num);
	const char *text2[] = {m->study_uid, m->time_point, m->pixel_spacing, m->slice_thickness,
	                       m->kernel, m->recon_diameter, m->manufacturer};
	for (int i = 0; i < 7; i++)
		put(b + row, cap - row, 0, text2[i]);
	for (int i = 1; i >= 0; i--) { /* rows, then columns */
		snprintf(num, sizeof num, "%zu", h->sizes[i]);
		put(b + row, cap - row, 0, num);
	}
	snprintf(num, sizeof num, "%zu", h->sizes[2]);
	put(b + row, cap - row, 0, num);
	double sp[3], dir[9];
	for (int a = 0; a < 3; a++) {
		const double *d = h->directions[a];
		sp[a] = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
		for (int k = 0; k < 3; k++)
			dir[3 * a + k] = sp[a] > 0 ? d[k] / sp[a] : 0;
	}
	put_numbers(b + row, cap - row, sp, 3);
	put_numbers(b + row, cap - row, h->origin, 3);
	put_numbers(b + row, cap - row, dir, 9);
	double hu[2] = {m->hu_min, m->hu_max};
	put_numbers(b + row, cap - row, hu, 1);
	put_numbers(b + row, cap - row, hu + 1, 1);
	put(b + row, cap - row, 0, m->transfer_syntax);
	snprintf(num, sizeof num, "%d", m->irregular);
	put(b + row, cap - row, 0, num);
	snprintf(num, sizeof num, "%.3f", m->tilt_deg);
	put(b + row, cap - row, 0, num);
	int flags[] = {m->thickness_1_5mm, m->more_than_50_slices, m->unique_positions, m->no_localizer};
	for (int i = 0; i < 4; i++) {
		snprintf(num, sizeof num, "%d", flags[i]);
		put(b + row, cap - row, 0, num);
	}
	strcat(b, "\n");
	return b;
}
