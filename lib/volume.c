/* volume.c: see volume.h. */
#include "volume.h"
#include "dicom.h"
#include "grid.h"
#include "log.h"
#include "par.h"

#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PLANES 20000

/* A slice and its position along the normal (in single precision, as plastimatch has it). */
typedef struct {
	const ct_slice *h;
	float pos;
} placed;

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
	const placed *x = a, *y = b;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return strcmp(x->h->path, y->h->path);
}

static double tilt_of(const ct_slice *a, const ct_slice *b, const double *normal)
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
static ct_code read_native(const ct_slice *f, size_t n, int32_t *out)
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
static ct_code decode_slice(const ct_slice *f, int32_t *out)
{
	if (f->pixel_offset >= 0 && f->native && f->samples == 1 && (f->bits == 8 || f->bits == 16))
		return read_native(f, (size_t)f->rows * f->cols, out);
	return ct_dicom_decode(f->path, f->rows, f->cols, out);
}

typedef struct {
	const placed *s;       /* real slices, in position order */
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
	ct_code *failed;       /* per slice: why it could not be decoded */
	atomic_bool overflowed; /* any slice so far: the sink is spared the rest */
	const ct_volume_sink *sink;
} decode_job;

/* The common case: integer slope and intercept into int16, in integer arithmetic. */
static int store_int(decode_job *j, size_t i, const int32_t *raw, int16_t *dst)
{
	const ct_slice *f = j->s[i].h;
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
	const ct_slice *f = j->s[i].h;
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
	ct_code c = raw ? decode_slice(j->s[i].h, raw) : ct_fail(CT_ENOMEM, "%s: out of memory", j->s[i].h->path);
	if (!c) {
		void *dst = j->real ? (void *)(j->real + i * j->voxels)
		                    : (char *)j->out + j->first_plane[i] * j->voxels * ct_nrrd_type_size(j->type);
		store(j, i, raw, dst);
		if (j->overflow[i])
			atomic_store(&j->overflowed, 1);
		copy_planes(j, i);
	}
	free(raw);
	j->failed[i] = c;
	return c;
}

/* The pieces the sink takes are final once the slices filling their planes are decoded. */
static ct_code use_piece(void *ctx, size_t k)
{
	decode_job *j = ctx;
	return atomic_load(&j->overflowed) ? CT_OK : j->sink->piece(j->sink->ctx, k);
}

/* A failure to decode that is the file's fault (not the machine's). */
static int file_at_fault(ct_code c)
{
	return c == CT_EDATA || c == CT_EIO;
}

/* Two files at one position: fine when their HU are the same, an error otherwise. */
static ct_code same_pixels(const ct_slice *a, const ct_slice *b, int rows, int cols, ct_volume *v)
{
	size_t n = (size_t)rows * cols;
	int32_t *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	ct_code c = x && y ? decode_slice(a, x) : ct_fail(CT_ENOMEM, "out of memory");
	if (file_at_fault(c))
		v->bad = a;
	if (!c && file_at_fault(c = decode_slice(b, y)))
		v->bad = b;
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
	placed *s;       /* the series' slices */
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
static ct_code order_slices(layout *L, const ct_slice *ref, ct_volume *v)
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
		const double *p = L->s[i].h->ipp;
		L->s[i].pos = dot_f((float[3]){(float)p[0], (float)p[1], (float)p[2]}, L->nf);
	}
	qsort(L->s, L->all, sizeof *L->s, by_position);
	placed *dup = malloc(L->all * sizeof *dup), *kept = malloc(L->all * sizeof *kept);
	if (!dup || !kept) {
		free(dup);
		free(kept);
		return ct_fail(CT_ENOMEM, "out of memory");
	}
	size_t n = 0, d = 0;
	for (size_t i = 0; i < L->all; i++) {
		if (n && fabsf(L->s[i].pos - L->s[n - 1].pos) < 1e-3f) {
			kept[d] = L->s[n - 1];
			dup[d++] = L->s[i];
		} else {
			L->s[n++] = L->s[i];
		}
	}
	ct_code c = CT_OK;
	for (size_t i = 0; i < d && !c; i++) {
		c = same_pixels(kept[i].h, dup[i].h, ref->rows, ref->cols, v);
		L->s[n + i] = dup[i];
	}
	free(dup);
	free(kept);
	L->n = n;
	v->duplicates = d;
	v->real_slices = n;
	return c;
}

/* plastimatch measures the planes' distance to the slices from plane 0's position recomputed
 * from its 3-D origin (the anchor slice's position stepped back along the normal, in single
 * precision): at a gap of exactly two steps, that rounding decides which neighbour fills it. */
static void set_zfill(layout *L)
{
	for (size_t i = 0; i < L->n; i++) {
		if (L->s[i].pos != L->g.anchor)
			continue;
		float back = (float)L->g.before * L->g.step, o[3];
		for (int k = 0; k < 3; k++) {
			volatile float d = back * L->nf[k];
			o[k] = (float)L->s[i].h->ipp[k] - d;
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
		all[i] = z[i] = L->s[i].pos;
	qsort(all, L->all, sizeof *all, by_float);
	L->g = ct_grid_plan(all, L->all, (float)L->s[0].h->thickness);
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
	j->failed = calloc(L->n, sizeof *j->failed);
	j->out = malloc(L->g.planes * j->voxels * ct_nrrd_type_size(j->type));
	if (linear)
		j->real = malloc(L->n * j->voxels * sizeof *j->real);
	if (!j->first_plane || !j->last_plane || !j->lo || !j->hi || !j->overflow || !j->failed || !j->out || (linear && !j->real))
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
	free(j->failed);
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

/* The slice whose failure was reported (the lowest index), when it was the file's fault. */
static const ct_slice *failed_slice(const decode_job *j)
{
	for (size_t i = 0; j->failed && i < j->n; i++)
		if (j->failed[i])
			return file_at_fault(j->failed[i]) ? j->s[i].h : NULL;
	return NULL;
}

/* Decode what the planes need into v->data, as type, handing it to the sink on the way. */
static ct_code fill_planes(const layout *L, ct_nrrd_type type, int clamp, int linear,
                           const ct_volume_opts *o, ct_volume *v, int *overflow)
{
	const ct_slice *ref = L->s[0].h;
	decode_job j = {.s = L->s, .n = L->n, .voxels = (size_t)ref->rows * ref->cols, .rows = ref->rows,
	                .cols = ref->cols, .type = type, .clamp = clamp, .sink = o->sink};
	atomic_init(&j.overflowed, 0);
	ct_code c = alloc_job(&j, L, linear);
	v->data = j.out;
	v->nrrd.type = type;
	if (!c)
		c = decode_to_sink(&j, L, o->threads, v);
	if (c && !v->bad)
		v->bad = failed_slice(&j);
	*overflow = 0;
	v->hu_min = INFINITY;
	v->hu_max = -INFINITY;
	for (size_t i = 0; !c && i < L->n; i++) {
		*overflow |= j.overflow[i];
		v->hu_min = fmin(v->hu_min, j.lo[i]);
		v->hu_max = fmax(v->hu_max, j.hi[i]);
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
		if (!integral(L->s[i].h->slope) || !integral(L->s[i].h->intercept))
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
	const ct_slice *f = L->s[0].h;
	const placed *a = &L->s[0];
	ct_nrrd *h = &v->nrrd;
	/* The origin steps back from the slice the grid is laid from, along the normal (as
	 * plastimatch): with gantry tilt that is not the first slice's position. */
	for (size_t i = 0; i < L->n; i++)
		if (L->s[i].pos == L->g.anchor) {
			a = &L->s[i];
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
		h->origin[k] = a->h->ipp[k] + (double)(L->g.z0 - a->pos) * L->normal[k];
	}
	/* One slice shows no tilt in its positions: then GantryDetectorTilt is all there is. */
	v->tilt_deg = L->n > 1 ? tilt_of(L->s[0].h, L->s[L->n - 1].h, L->normal) : fabs(f->gantry_tilt);
	v->irregular = L->g.planes != L->n;
	for (size_t i = 1; i < L->n; i++)
		if (fabsf(L->s[i].pos - L->s[i - 1].pos - L->g.step) > 0.01f)
			v->irregular = 1;
}

/* The grid's voxels within o's limit (the planes are held in memory whole). */
static ct_code check_voxels(const layout *L, const ct_volume_opts *o, const char *dir)
{
	const ct_slice *a = L->s[0].h;
	size_t voxels = (size_t)a->rows * (size_t)a->cols, max = o->max_voxels ? o->max_voxels : CT_VOLUME_MAX_VOXELS;
	if (L->g.planes > max / voxels)
		return ct_fail(CT_EDATA, "%s: %zu planes of %dx%d: more than the %zu voxels a volume may have", dir,
		               L->g.planes, a->cols, a->rows, max);
	return CT_OK;
}

ct_code ct_volume_load(const ct_slices *s, const ct_volume_opts *o, ct_volume *v)
{
	memset(v, 0, sizeof *v);
	layout L = {.all = s->n};
	L.s = malloc((s->n ? s->n : 1) * sizeof *L.s);
	if (!L.s)
		return ct_fail(CT_ENOMEM, "out of memory");
	for (size_t i = 0; i < s->n; i++)
		L.s[i].h = &s->slice[i];
	ct_code c = order_slices(&L, &s->slice[0], v);
	if (!c)
		c = plan_layout(&L, s->dir);
	if (!c)
		c = check_voxels(&L, o, s->dir);
	if (!c) {
		set_geometry(&L, v);
		c = load_pixels(&L, o, v);
	}
	if (!c && !(v->order = malloc(L.all * sizeof *v->order)))
		c = ct_fail(CT_ENOMEM, "out of memory");
	for (size_t i = 0; !c && i < L.all; i++)
		v->order[i] = L.s[i].h;
	if (!c && v->tilt_deg > 0.01)
		ct_warn("%s: gantry tilt of %.2f degrees: recorded, not corrected", s->dir, v->tilt_deg);
	if (!c && v->irregular)
		ct_warn("%s: uneven slice spacing: %zu slices laid on %zu planes %g mm apart", s->dir,
		        L.n, L.g.planes, (double)L.g.step);
	free(L.s);
	free(L.near);
	free(L.lo);
	free(L.w);
	if (c)
		ct_volume_free(v);
	return c;
}

void ct_volume_free(ct_volume *v)
{
	free(v->data);
	v->data = NULL;
	free(v->order);
	v->order = NULL;
}
