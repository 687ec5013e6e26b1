/* nrrd.c: see nrrd.h. */
#include "nrrd.h"
#include "fs.h"
#include "gz.h"
#include "par.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *type_name[] = {"uint8", "short", "float"};

size_t ct_nrrd_type_size(ct_nrrd_type t)
{
	return t == CT_NRRD_UINT8 ? 1 : t == CT_NRRD_INT16 ? 2 : 4;
}

size_t ct_nrrd_voxels(const ct_nrrd *h)
{
	size_t n = 1;
	for (int i = 0; i < h->dim; i++)
		n *= h->sizes[i];
	return n;
}

void ct_fmt_double(char *buf, double v)
{
	if (v == 0)
		v = 0; /* no "-0" */
	for (int p = 1; p <= 17; p++) { /* an exponent only when nothing shorter round-trips */
		snprintf(buf, 32, "%.*g", p, v);
		if (strtod(buf, NULL) == v && (!strchr(buf, 'e') || p == 17))
			return;
	}
}

static void put_vector(char *s, size_t cap, const double v[3])
{
	char a[32], b[32], c[32];
	ct_fmt_double(a, v[0]);
	ct_fmt_double(b, v[1]);
	ct_fmt_double(c, v[2]);
	snprintf(s, cap, "(%s,%s,%s)", a, b, c);
}

char *ct_nrrd_header_text(const ct_nrrd *h)
{
	size_t cap = 1024;
	char *s = malloc(cap), v[120];
	if (!s)
		return NULL;
	int n = snprintf(s, cap, "NRRD0004\n# Complete NRRD file format specification at:\n"
	                 "# http://teem.sourceforge.net/nrrd/format.html\n"
	                 "type: %s\ndimension: %d\n", type_name[h->type], h->dim);
	if (h->has_space)
		n += snprintf(s + n, cap - n, "space: left-posterior-superior\n");
	n += snprintf(s + n, cap - n, "sizes:");
	for (int i = 0; i < h->dim; i++)
		n += snprintf(s + n, cap - n, " %zu", h->sizes[i]);
	if (h->has_space) {
		n += snprintf(s + n, cap - n, "\nspace directions:");
		for (int i = 0; i < 3; i++) {
			put_vector(v, sizeof v, h->directions[i]);
			n += snprintf(s + n, cap - n, " %s", v);
		}
		n += snprintf(s + n, cap - n, "\nkinds: domain domain domain");
	}
	n += snprintf(s + n, cap - n, "\nendian: little\nencoding: gzip\n");
	if (h->has_space) {
		put_vector(v, sizeof v, h->origin);
		n += snprintf(s + n, cap - n, "space origin: %s\n", v);
	}
	snprintf(s + n, cap - n, "\n");
	return s;
}

struct ct_nrrd_out {
	ct_atomic file;
	FILE *f;
	char *path;
	ct_gzip_stream *gz;
	off_t synced;  /* bytes sent to the disk so far */
};

/* Each piece starts its way to the disk at once (sync_file_range, asynchronous), so the
 * commit's fsync waits for the last piece only, not for the whole file. */
static ct_code to_file(void *ctx, const void *buf, size_t len)
{
	ct_nrrd_out *o = ctx;
	if (fwrite(buf, 1, len, o->f) != len || fflush(o->f))
		return ct_fail_errno(CT_EIO, "%s: write failed", o->path);
	off_t end = ftello(o->f);
	sync_file_range(fileno(o->f), o->synced, end - o->synced, SYNC_FILE_RANGE_WRITE);
	o->synced = end;
	return CT_OK;
}

/* The header now; the data piece by piece (ct_nrrd_put). */
static ct_code open_out(ct_nrrd_out *o, const char *path, const ct_nrrd *h, const void *data)
{
	if (h->dim < 1 || h->dim > 4 || (h->has_space && h->dim != 3))
		return ct_fail(CT_EUSAGE, "%s: unsupported NRRD dimension %d", path, h->dim);
	char *head = ct_nrrd_header_text(h);
	o->path = strdup(path);
	if (!head || !o->path) {
		free(head);
		return ct_fail(CT_ENOMEM, "%s: out of memory", path);
	}
	ct_code c = ct_atomic_open(&o->file, path);
	if (!c) {
		o->f = ct_atomic_stream(&o->file);
		c = o->f && fputs(head, o->f) >= 0 ? CT_OK : ct_fail_errno(CT_EIO, "%s: write failed", path);
		if (!c)
			c = ct_gzip_stream_new(data, ct_nrrd_voxels(h) * ct_nrrd_type_size(h->type), h->level,
			                       to_file, o, &o->gz);
		if (c)
			ct_atomic_abort(&o->file);
	}
	free(head);
	return c;
}

ct_code ct_nrrd_open(const char *path, const ct_nrrd *h, const void *data, ct_nrrd_out **out)
{
	ct_nrrd_out *o = calloc(1, sizeof *o);
	if (!o)
		return ct_fail(CT_ENOMEM, "%s: out of memory", path);
	ct_code c = open_out(o, path, h, data);
	if (c) {
		free(o->path);
		free(o);
		return c;
	}
	*out = o;
	return CT_OK;
}

size_t ct_nrrd_pieces(const ct_nrrd_out *o)
{
	return ct_gzip_stream_pieces(o->gz);
}

ct_code ct_nrrd_put(ct_nrrd_out *o, size_t k)
{
	return ct_gzip_stream_piece(o->gz, k);
}

static void out_free(ct_nrrd_out *o)
{
	ct_gzip_stream_free(o->gz);
	free(o->path);
	free(o);
}

ct_code ct_nrrd_commit(ct_nrrd_out *o)
{
	ct_code c;
	if (ct_gzip_stream_complete(o->gz)) {
		c = ct_atomic_commit(&o->file); /* which cleans up after itself when it fails */
	} else {
		c = ct_fail(CT_EIO, "%s: not every piece of the data was written", o->path);
		ct_atomic_abort(&o->file);
	}
	out_free(o);
	return c;
}

void ct_nrrd_abort(ct_nrrd_out *o)
{
	if (!o)
		return;
	ct_atomic_abort(&o->file);
	out_free(o);
}

static ct_code put(void *ctx, size_t k)
{
	return ct_nrrd_put(ctx, k);
}

ct_code ct_nrrd_write(const char *path, const ct_nrrd *h, const void *data)
{
	ct_nrrd_out *o;
	ct_code c = ct_nrrd_open(path, h, data, &o);
	if (c)
		return c;
	c = ct_par_for(ct_nrrd_pieces(o), h->threads, put, o);
	if (c) {
		ct_nrrd_abort(o);
		return c;
	}
	return ct_nrrd_commit(o);
}
