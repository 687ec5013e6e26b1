/* labelmap.c: see labelmap.h. */
#include "labelmap.h"
#include "fs.h"
#include "table.h"

#include <errno.h>
#include <math.h>
#include <nifti2_io.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* text with each '#' comment line emptied (kept as a line end, so line numbers stay right), for
 * lib/table, which skips empty lines. */
static char *without_comments(const char *text, size_t len, size_t *out_len)
{
	char *out = malloc(len + 1), *o = out;
	for (size_t i = 0; out && i < len;) {
		int comment = text[i] == '#';
		for (; i < len && text[i] != '\n'; i++)
			if (!comment)
				*o++ = text[i];
		if (i < len)
			*o++ = text[i++];
	}
	if (out)
		*o = 0;
	*out_len = out ? (size_t)(o - out) : 0;
	return out;
}

/* Row r of the table as a class: id 1..32767, above the last one; a name without '/'. */
static ct_code take_class(const char *path, const ct_csv_row *r, int id_col, int name_col, ct_classes *out)
{
	const char *name = r->field[name_col];
	char *end;
	long id = strtol(r->field[id_col], &end, 10);
	if (end == r->field[id_col] || *end || id < 1 || id > 32767 || !*name || strchr(name, '/') ||
	    (out->n && id <= out->cls[out->n - 1].id))
		return ct_fail(CT_EDATA, "%s:%ld: not an id (1..32767, increasing) and a class name", path, r->line);
	out->cls[out->n].id = (int)id;
	if (!(out->cls[out->n].name = strdup(name)))
		return ct_fail(CT_ENOMEM, "out of memory");
	out->n++;
	return CT_OK;
}

ct_code ct_classes_read(const char *path, ct_classes *out)
{
	memset(out, 0, sizeof *out);
	char *buf, *text = NULL;
	size_t len;
	ct_table t = {0};
	ct_code c = ct_read_file(path, &buf, &len);
	if (c)
		return c;
	if (!(text = without_comments(buf, len, &len)))
		c = ct_fail(CT_ENOMEM, "%s: out of memory", path);
	int id_col = -1, name_col = -1;
	if (!c)
		c = ct_table_parse(text, len, '\t', path, &t);
	if (!c)
		c = ct_table_need(&t, path, "id", &id_col);
	if (!c)
		c = ct_table_need(&t, path, "name", &name_col);
	if (!c && !(out->cls = calloc(t.n, sizeof *out->cls)))
		c = ct_fail(CT_ENOMEM, "%s: out of memory", path);
	for (size_t i = 1; !c && i < t.n; i++)
		c = take_class(path, &t.row[i], id_col, name_col, out);
	if (!c && out->n == 0)
		c = ct_fail(CT_EDATA, "%s: no classes", path);
	ct_table_free(&t);
	free(text);
	free(buf);
	if (c)
		ct_classes_free(out);
	return c;
}

void ct_classes_free(ct_classes *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->cls[i].name);
	free(c->cls);
	memset(c, 0, sizeof *c);
}

void ct_overlaps_free(ct_overlaps *o)
{
	free(o->pair);
	memset(o, 0, sizeof *o);
}

/* The voxel-to-world matrix nifti_clib settled on (sform when set, else qform). */
static const nifti_dmat44 *affine(const nifti_image *im)
{
	return im->sform_code > 0 ? &im->sto_xyz : &im->qto_xyz;
}

static ct_code same_grid(const nifti_image *ct, const nifti_image *m, const char *mask)
{
	if (m->nx != ct->nx || m->ny != ct->ny || m->nz != ct->nz || m->nvox != ct->nvox)
		return ct_fail(CT_EDATA, "%s: grid %lldx%lldx%lld differs from ct.nii.gz's %lldx%lldx%lld", mask,
		               (long long)m->nx, (long long)m->ny, (long long)m->nz,
		               (long long)ct->nx, (long long)ct->ny, (long long)ct->nz);
	const nifti_dmat44 *a = affine(ct), *b = affine(m);
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 4; j++)
			if (fabs(a->m[i][j] - b->m[i][j]) > 1e-3)
				return ct_fail(CT_EDATA, "%s: voxel-to-world matrix differs from ct.nii.gz's (row %d: %g vs %g)",
				               mask, i, b->m[i][j], a->m[i][j]);
	return CT_OK;
}

static ct_code note_overlap(ct_overlaps *o, int lower, int higher)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->pair[i].lower == lower && o->pair[i].higher == higher) {
			o->pair[i].voxels++;
			return CT_OK;
		}
	ct_overlap *np = realloc(o->pair, (o->n + 1) * sizeof *np);
	if (!np)
		return ct_fail(CT_ENOMEM, "out of memory");
	o->pair = np;
	o->pair[o->n++] = (ct_overlap){lower, higher, 1};
	return CT_OK;
}

/* Voxel i of the mask is inside: give it id, counting an overlap when it had one already. */
static inline ct_code set_voxel(uint16_t *label, size_t i, int id, ct_overlaps *o)
{
	ct_code c = label[i] ? note_overlap(o, label[i], id) : CT_OK;
	label[i] = (uint16_t)id;
	return c;
}

/* One loop per datatype (the switch stays outside the 10^8-voxel loop). */
#define PAINT_TYPED(T)                                                         \
	do {                                                                       \
		const T *d = (const T *)m->data;                                       \
		for (size_t i = 0; c == CT_OK && i < n; i++)                           \
			if (d[i] != 0)                                                     \
				c = set_voxel(label, i, id, o);                                \
	} while (0)

/* Bytes: skip eight zero voxels at a time (masks are mostly empty). */
static ct_code paint_bytes(const unsigned char *d, size_t n, uint16_t *label, int id, ct_overlaps *o)
{
	ct_code c = CT_OK;
	size_t i = 0;
	for (; c == CT_OK && i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, d + i, 8);
		for (size_t k = 0; w && c == CT_OK && k < 8; k++)
			if (d[i + k])
				c = set_voxel(label, i + k, id, o);
	}
	for (; c == CT_OK && i < n; i++)
		if (d[i])
			c = set_voxel(label, i, id, o);
	return c;
}

static ct_code paint_mask(const nifti_image *m, const char *path, uint16_t *label, int id, ct_overlaps *o)
{
	size_t n = (size_t)m->nvox;
	ct_code c = CT_OK;
	switch (m->datatype) {
	case DT_UINT8: case DT_INT8: return paint_bytes(m->data, n, label, id, o);
	case DT_INT16: PAINT_TYPED(int16_t); break;
	case DT_UINT16: PAINT_TYPED(uint16_t); break;
	case DT_INT32: PAINT_TYPED(int32_t); break;
	case DT_UINT32: PAINT_TYPED(uint32_t); break;
	case DT_INT64: PAINT_TYPED(int64_t); break;
	case DT_UINT64: PAINT_TYPED(uint64_t); break;
	case DT_FLOAT32: PAINT_TYPED(float); break;
	case DT_FLOAT64: PAINT_TYPED(double); break;
	default:
		return ct_fail(CT_EDATA, "%s: datatype %s is not an integer or float type", path, nifti_datatype_string(m->datatype));
	}
	return c;
}

/* nifti_clib allocates the voxels its header claims before reading them: a header is only
 * believed when its file can hold them (gzip inflates at most 1032-fold). */
static ct_code check_size(const nifti_image *im, const char *path)
{
	struct stat st;
	double need = (double)im->nvox * (double)im->nbyper, can = 0;
	if (stat(path, &st) == 0)
		can = (double)st.st_size * (strstr(path, ".gz") ? 1032.0 : 1.0);
	if (im->nvox < 0 || im->nbyper < 0 || need > can)
		return ct_fail(CT_EDATA, "%s: its header claims %lldx%lldx%lld voxels of %d bytes, more than the file "
		               "can hold", path, (long long)im->nx, (long long)im->ny, (long long)im->nz, im->nbyper);
	return CT_OK;
}

static ct_code paint(const char *path, const nifti_image *ct, int id, uint16_t *label, ct_overlaps *o)
{
	nifti_image *m = nifti_image_read(path, 0);
	if (!m)
		return ct_fail(CT_EDATA, "%s: cannot read as NIfTI", path);
	ct_code c = same_grid(ct, m, path); /* before its voxels are read */
	if (c == CT_OK)
		c = check_size(m, path);
	if (c == CT_OK && (nifti_image_load(m) || !m->data))
		c = ct_fail(CT_EDATA, "%s: cannot read its voxels (file truncated or corrupt)", path);
	if (c == CT_OK)
		c = paint_mask(m, path, label, id, o);
	nifti_image_free(m);
	return c;
}

/* Write the label map with ct's header to a temporary name, then rename it onto out. */
static ct_code write_label(const nifti_image *ct, const uint16_t *label, int max_id, const char *out)
{
	nifti_image *nim = nifti_copy_nim_info(ct);
	size_t n = (size_t)ct->nvox, tl = strlen(out) + 24;
	char *tmp = malloc(tl);
	int small = max_id <= 255;
	void *data = malloc(n * (small ? 1 : 2));
	if (!nim || !tmp || !data) {
		free(tmp), free(data);
		if (nim)
			nifti_image_free(nim);
		return ct_fail(CT_ENOMEM, "%s: out of memory", out);
	}
	for (size_t i = 0; i < n; i++) {
		if (small)
			((uint8_t *)data)[i] = (uint8_t)label[i];
		else
			((int16_t *)data)[i] = (int16_t)label[i];
	}
	nim->datatype = small ? DT_UINT8 : DT_INT16;
	nim->nbyper = small ? 1 : 2;
	nim->scl_slope = 1, nim->scl_inter = 0;
	nim->cal_min = 0, nim->cal_max = max_id;
	nim->intent_code = NIFTI_INTENT_LABEL;
	nim->data = data;
	snprintf(tmp, tl, "%s.tmp.XXXXXX.nii.gz", out);
	int fd = mkstemps(tmp, 7);
	ct_code c = CT_OK;
	if (fd < 0)
		c = ct_fail_errno(CT_EIO, "%s: cannot create", tmp);
	else {
		fchmod(fd, 0644); /* mkstemps made it private */
		close(fd);
	}
	if (c == CT_OK && nifti_set_filenames(nim, tmp, 0, 1))
		c = ct_fail(CT_EIO, "%s: nifti_clib refuses the name", tmp);
	if (c == CT_OK) {
		nifti_image_write(nim);
		/* nifti_image_write says nothing on failure: read the header back. */
		nifti_image *back = nifti_image_read(tmp, 0);
		if (!back || back->nvox != ct->nvox)
			c = ct_fail(CT_EIO, "%s: writing failed", tmp);
		if (back)
			nifti_image_free(back);
	}
	if (c == CT_OK && rename(tmp, out))
		c = ct_fail_errno(CT_EIO, "%s: cannot rename to %s", tmp, out);
	if (c)
		unlink(tmp);
	free(tmp);
	nifti_image_free(nim); /* frees data too */
	return c;
}

ct_code ct_labelmap_merge(const char *casedir, const ct_classes *classes, const char *out, ct_overlaps *overlaps)
{
	memset(overlaps, 0, sizeof *overlaps);
	nifti_set_debug_level(0); /* its own messages on stderr would duplicate ours */
	char path[4096];
	snprintf(path, sizeof path, "%s/ct.nii.gz", casedir);
	nifti_image *ct = nifti_image_read(path, 0);
	if (!ct)
		return ct_fail(CT_EDATA, "%s: cannot read as NIfTI", path);
	ct_code c = check_size(ct, path);
	uint16_t *label = c ? NULL : calloc((size_t)ct->nvox, sizeof *label);
	if (!c && !label)
		c = ct_fail(CT_ENOMEM, "%s: out of memory for the label map", casedir);
	for (size_t i = 0; c == CT_OK && i < classes->n; i++) {
		snprintf(path, sizeof path, "%s/segmentations/%s.nii.gz", casedir, classes->cls[i].name);
		if (access(path, R_OK))
			c = ct_fail_errno(CT_EDATA, "%s: mask missing", path);
		else
			c = paint(path, ct, classes->cls[i].id, label, overlaps);
	}
	if (c == CT_OK)
		c = write_label(ct, label, classes->cls[classes->n - 1].id, out);
	free(label);
	nifti_image_free(ct);
	if (c)
		ct_overlaps_free(overlaps);
	return c;
}
