/* npy.c: see npy.h. */
#include "npy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value text after 'key': in the header dict, or NULL. */
static const char *dict_value(const char *h, const char *key)
{
	char pat[32];
	snprintf(pat, sizeof pat, "'%s'", key);
	const char *p = strstr(h, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	p += strspn(p, " ");
	if (*p != ':')
		return NULL;
	p++;
	return p + strspn(p, " ");
}

/* The descr is a quoted dtype string of exactly three characters: byte order, kind, size ('<u1'). */
static ct_code parse_descr(const char *v, const char *where, ct_npy *out)
{
	size_t n = v && *v == '\'' ? strcspn(v + 1, "'") : 0;
	if (!v || *v != '\'' || v[1 + n] != '\'')
		return ct_fail(CT_EDATA, "%s: npy header without a quoted descr", where);
	char order = n == 3 ? v[1] : 0, kind = n == 3 ? v[2] : 0;
	int size = n == 3 && strchr("1248", v[3]) ? v[3] - '0' : 0;
	if (!order || !strchr("<|", order) || !kind || !strchr("iu", kind) || !size || (size > 1 && order != '<'))
		return ct_fail(CT_EDATA, "%s: npy descr %.*s is not a little-endian integer", where,
		               (int)(n + 2 > 12 ? 12 : n + 2), v);
	out->item = (size_t)size;
	out->is_signed = kind == 'i';
	return CT_OK;
}

static ct_code parse_shape(const char *v, const char *where, ct_npy *out)
{
	if (!v || *v != '(')
		return ct_fail(CT_EDATA, "%s: npy header without shape", where);
	out->ndim = 0;
	out->count = 1;
	for (v++; *v && *v != ')';) {
		v += strspn(v, " ,");
		if (*v == ')')
			break;
		char *end;
		unsigned long long n = strtoull(v, &end, 10);
		if (end == v || out->ndim == 8)
			return ct_fail(CT_EDATA, "%s: npy shape unreadable", where);
		out->shape[out->ndim++] = (size_t)n;
		if (n && out->count > SIZE_MAX / n)
			return ct_fail(CT_EDATA, "%s: npy shape too large", where);
		out->count *= (size_t)n;
		v = end;
	}
	return *v == ')' ? CT_OK : ct_fail(CT_EDATA, "%s: npy shape unterminated", where);
}

ct_code ct_npy_parse(const void *buf, size_t len, const char *where, ct_npy *out)
{
	const unsigned char *b = buf;
	memset(out, 0, sizeof *out);
	if (len < 10 || memcmp(b, "\x93NUMPY", 6))
		return ct_fail(CT_EDATA, "%s: not a .npy (no \\x93NUMPY magic)", where);
	size_t hl, start;
	if (b[6] == 1)
		hl = b[8] | (size_t)b[9] << 8, start = 10;
	else if ((b[6] == 2 || b[6] == 3) && len >= 12)
		hl = b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24, start = 12;
	else
		return ct_fail(CT_EDATA, "%s: npy version %d.%d unknown", where, b[6], b[7]);
	if (hl > len - start)
		return ct_fail(CT_EDATA, "%s: npy header runs past the end", where);
	char *h = strndup((const char *)b + start, hl);
	if (!h)
		return ct_fail(CT_ENOMEM, "%s: out of memory", where);
	const char *fo = dict_value(h, "fortran_order");
	ct_code c = parse_descr(dict_value(h, "descr"), where, out);
	if (c == CT_OK && (!fo || strncmp(fo, "False", 5)))
		c = ct_fail(CT_EDATA, "%s: npy array is not in C order", where);
	if (c == CT_OK)
		c = parse_shape(dict_value(h, "shape"), where, out);
	free(h);
	if (c)
		return c;
	size_t need = out->count * out->item, have = len - start - hl;
	if (out->item && need / out->item != out->count)
		return ct_fail(CT_EDATA, "%s: npy shape too large", where);
	if (need != have)
		return ct_fail(CT_EDATA, "%s: npy holds %zu data bytes, its shape says %zu", where, have, need);
	out->data = b + start + hl;
	return CT_OK;
}

int64_t ct_npy_int(const ct_npy *a, size_t i)
{
	const unsigned char *p = a->data + i * a->item;
	uint64_t u = 0;
	for (size_t k = 0; k < a->item; k++)
		u |= (uint64_t)p[k] << (8 * k);
	if (a->is_signed && a->item < 8 && (u >> (8 * a->item - 1)) & 1)
		u |= ~0ULL << (8 * a->item); /* sign-extend */
	return (int64_t)u;
}
