/* nrrd.c: see nrrd.h. */
#include "nrrd.h"
#include "fs.h"
#include "gz.h"

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

typedef struct {
	FILE *f;
	const char *path;
} sink_file;

static ct_code to_file(void *ctx, const void *buf, size_t len)
{
	sink_file *s = ctx;
	return fwrite(buf, 1, len, s->f) == len ? CT_OK : ct_fail_errno(CT_EIO, "%s: write failed", s->path);
}

ct_code ct_nrrd_write(const char *path, const ct_nrrd *h, const void *data)
{
	if (h->dim < 1 || h->dim > 4 || (h->has_space && h->dim != 3))
		return ct_fail(CT_EUSAGE, "%s: unsupported NRRD dimension %d", path, h->dim);
	char *head = ct_nrrd_header_text(h);
	if (!head)
		return ct_fail(CT_ENOMEM, "%s: out of memory", path);
	ct_atomic a;
	ct_code c = ct_atomic_open(&a, path);
	if (!c) {
		FILE *f = ct_atomic_stream(&a);
		c = f && fputs(head, f) >= 0 ? CT_OK : ct_fail_errno(CT_EIO, "%s: write failed", path);
		sink_file sink = {f, path};
		if (!c)
			c = ct_gzip_pieces(data, ct_nrrd_voxels(h) * ct_nrrd_type_size(h->type), h->level,
			                   h->threads, to_file, &sink);
		if (c)
			ct_atomic_abort(&a);
		else
			c = ct_atomic_commit(&a);
	}
	free(head);
	return c;
}
