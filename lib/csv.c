/* csv.c: see csv.h. */
#include "csv.h"
#include "fs.h"

#include <stdlib.h>
#include <string.h>

static char guess_sep(const char *s, const char *end)
{
	size_t semi = 0, tab = 0, comma = 0;
	int quoted = 0;
	for (; s < end && (quoted || (*s != '\n' && *s != '\r')); s++) {
		if (*s == '"')
			quoted = !quoted;
		else if (!quoted)
			semi += *s == ';', tab += *s == '\t', comma += *s == ',';
	}
	if (semi > comma && semi >= tab)
		return ';';
	return tab > comma ? '\t' : ',';
}

typedef struct {
	char *buf;
	size_t len, cap;
} strbuf;

static int sb_put(strbuf *b, char c)
{
	if (b->len + 2 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		char *nb = realloc(b->buf, cap);
		if (!nb)
			return -1;
		b->buf = nb, b->cap = cap;
	}
	b->buf[b->len++] = c;
	b->buf[b->len] = 0;
	return 0;
}

static int push(void **arr, size_t *n, size_t size, const void *item)
{
	if ((*n & (*n - 1)) == 0) { /* grow at powers of two */
		void *na = realloc(*arr, (*n ? *n * 2 : 1) * size);
		if (!na)
			return -1;
		*arr = na;
	}
	memcpy((char *)*arr + *n * size, item, size);
	(*n)++;
	return 0;
}

static int end_field(ct_csv_row *r, strbuf *f)
{
	char *s = f->buf ? f->buf : strdup("");
	memset(f, 0, sizeof *f);
	if (!s || push((void **)&r->field, &r->n, sizeof(char *), &s)) {
		free(s);
		return -1;
	}
	return 0;
}

static void free_row(ct_csv_row *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->field[i]);
	free(r->field);
}

/* Keep the row unless it is blank; check its width against the header. */
static ct_code end_row(ct_csv *t, ct_csv_row *r, const char *where)
{
	ct_csv_row row = *r;
	memset(r, 0, sizeof *r);
	if (row.n == 1 && !row.field[0][0]) {
		free_row(&row);
		return CT_OK;
	}
	if (t->n > 0 && row.n != t->row[0].n) {
		ct_code c = ct_fail(CT_EDATA, "%s:%d: %zu fields where the header has %zu", where, row.line, row.n, t->row[0].n);
		free_row(&row);
		return c;
	}
	if (push((void **)&t->row, &t->n, sizeof row, &row)) {
		free_row(&row);
		return ct_fail(CT_ENOMEM, "%s: out of memory", where);
	}
	return CT_OK;
}

ct_code ct_csv_parse(const char *text, size_t len, char sep, const char *where, ct_csv *out)
{
	memset(out, 0, sizeof *out);
	const char *s = text, *end = text + len;
	if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
	out->sep = sep ? sep : guess_sep(s, end);
	ct_csv_row r = {.line = 1};
	strbuf f = {0};
	int line = 1, quoted = 0, oom = 0;
	ct_code c = CT_OK;
	for (; s < end && c == CT_OK && !oom; s++) {
		if (quoted) {
			if (*s == '"' && s + 1 < end && s[1] == '"')
				oom = sb_put(&f, *s++);
			else if (*s == '"')
				quoted = 0;
			else {
				line += *s == '\n';
				oom = *s == '\r' ? 0 : sb_put(&f, *s); /* CRLF inside a quoted field → LF */
			}
		} else if (*s == '"')
			quoted = 1;
		else if (*s == out->sep)
			oom = end_field(&r, &f);
		else if (*s == '\r' && s + 1 < end && s[1] == '\n')
			continue;
		else if (*s == '\n' || *s == '\r') {
			oom = end_field(&r, &f);
			if (!oom)
				c = end_row(out, &r, where);
			r.line = ++line;
		} else
			oom = sb_put(&f, *s);
	}
	if (c == CT_OK && !oom && quoted)
		c = ct_fail(CT_EDATA, "%s:%d: a quoted field never ends", where, r.line);
	if (c == CT_OK && !oom && (f.len || r.n)) {
		oom = end_field(&r, &f);
		if (!oom)
			c = end_row(out, &r, where);
	}
	if (oom)
		c = ct_fail(CT_ENOMEM, "%s: out of memory", where);
	if (c == CT_OK && out->n == 0)
		c = ct_fail(CT_EDATA, "%s: empty (no header)", where);
	free(f.buf);
	free_row(&r);
	if (c)
		ct_csv_free(out);
	return c;
}

ct_code ct_csv_read(const char *path, char sep, ct_csv *out)
{
	char *buf;
	size_t len;
	ct_code c = ct_read_file(path, &buf, &len);
	if (c)
		return c;
	c = ct_csv_parse(buf, len, sep, path, out);
	free(buf);
	return c;
}

void ct_csv_free(ct_csv *t)
{
	for (size_t i = 0; i < t->n; i++)
		free_row(&t->row[i]);
	free(t->row);
	memset(t, 0, sizeof *t);
}

int ct_csv_column(const ct_csv *t, const char *name)
{
	for (size_t i = 0; t->n && i < t->row[0].n; i++)
		if (!strcmp(t->row[0].field[i], name))
			return (int)i;
	return -1;
}

ct_code ct_csv_need(const ct_csv *t, const char *where, const char *name, int *col)
{
	int i = ct_csv_column(t, name);
	if (i < 0)
		return ct_fail(CT_EDATA, "%s: no column '%s'", where, name);
	*col = i;
	return CT_OK;
}

void ct_csv_put(FILE *f, const char *field, char sep)
{
	char special[] = {sep, '"', '\n', '\r', 0};
	if (!field[strcspn(field, special)]) {
		fputs(field, f);
		return;
	}
	fputc('"', f);
	for (const char *p = field; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

void ct_csv_put_row(FILE *f, char *const *field, size_t n, char sep)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(sep, f);
		ct_csv_put(f, field[i], sep);
	}
	fputc('\n', f);
}
