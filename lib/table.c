/* table.c: see table.h. */
#include "table.h"
#include "fs.h"

#include <stdlib.h>
#include <string.h>

static char guess_sep(const char *s, const char *end)
{
	size_t semi = 0, tab = 0, comma = 0;
	int quoted = 0;
	if (end - s >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
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
	ct_table *t;
	const char *where;
} collect;

static void free_row(ct_csv_row *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->field[i]);
	free(r->field);
}

/* A copy of a field with each CRLF turned into LF. */
static char *field_copy(const char *s)
{
	char *d = malloc(strlen(s) + 1), *o = d;
	for (; d && *s; s++)
		if (!(s[0] == '\r' && s[1] == '\n'))
			*o++ = *s;
	if (d)
		*o = 0;
	return d;
}

static ct_code keep_row(const ct_csv_row *row, void *arg)
{
	collect *c = arg;
	ct_table *t = c->t;
	if (t->n > 0 && row->n != t->row[0].n)
		return ct_fail(CT_EDATA, "%s:%ld: %zu fields where the header has %zu", c->where, row->line, row->n, t->row[0].n);
	if ((t->n & (t->n - 1)) == 0) { /* grow at powers of two */
		ct_csv_row *nr = realloc(t->row, (t->n ? t->n * 2 : 1) * sizeof *nr);
		if (!nr)
			return ct_fail(CT_ENOMEM, "%s: out of memory", c->where);
		t->row = nr;
	}
	ct_csv_row copy = {.field = calloc(row->n ? row->n : 1, sizeof(char *)), .n = 0, .line = row->line};
	for (size_t i = 0; copy.field && i < row->n; i++, copy.n++)
		if (!(copy.field[i] = field_copy(row->field[i])))
			break;
	if (!copy.field || copy.n != row->n) {
		free_row(&copy);
		return ct_fail(CT_ENOMEM, "%s: out of memory", c->where);
	}
	t->row[t->n++] = copy;
	return CT_OK;
}

ct_code ct_table_parse(const char *text, size_t len, char sep, const char *where, ct_table *out)
{
	memset(out, 0, sizeof *out);
	out->sep = sep ? sep : guess_sep(text, text + len);
	collect c = {out, where};
	ct_code code = ct_csv_parse(where, text, len, out->sep, keep_row, &c);
	if (code == CT_OK && out->n == 0)
		code = ct_fail(CT_EDATA, "%s: empty (no header)", where);
	if (code)
		ct_table_free(out);
	return code;
}

ct_code ct_table_read(const char *path, char sep, ct_table *out)
{
	char *buf;
	size_t len;
	ct_code c = ct_read_file(path, &buf, &len);
	if (c)
		return c;
	c = ct_table_parse(buf, len, sep, path, out);
	free(buf);
	return c;
}

void ct_table_free(ct_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free_row(&t->row[i]);
	free(t->row);
	memset(t, 0, sizeof *t);
}

int ct_table_column(const ct_table *t, const char *name)
{
	return t->n ? ct_csv_column(&t->row[0], name) : -1;
}

ct_code ct_table_need(const ct_table *t, const char *where, const char *name, int *col)
{
	int i = ct_table_column(t, name);
	if (i < 0)
		return ct_fail(CT_EDATA, "%s: no column '%s'", where, name);
	*col = i;
	return CT_OK;
}

void ct_table_put(FILE *f, const char *field, char sep)
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

void ct_table_put_row(FILE *f, char *const *field, size_t n, char sep)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(sep, f);
		ct_table_put(f, field[i], sep);
	}
	fputc('\n', f);
}
