/* tsv.c: see tsv.h. */
#include "tsv.h"
#include "fs.h"

#include <stdlib.h>
#include <string.h>

static size_t count_fields(const char *line)
{
	size_t n = 1;
	for (; *line; line++)
		n += *line == '\t';
	return n;
}

/* Split buf in place into lines (CRLF or LF), skipping empty ones. */
static char **split_lines(char *buf, size_t *nlines)
{
	size_t cap = 64, n = 0;
	char **lines = malloc(cap * sizeof *lines);
	for (char *s = buf, *next; lines && s && *s; s = next) {
		next = strchr(s, '\n');
		if (next)
			*next++ = 0;
		size_t len = strlen(s);
		if (len && s[len - 1] == '\r')
			s[--len] = 0;
		if (!len)
			continue;
		if (n == cap) {
			char **l = realloc(lines, (cap *= 2) * sizeof *l);
			if (!l) {
				free(lines);
				return NULL;
			}
			lines = l;
		}
		lines[n++] = s;
	}
	*nlines = n;
	return lines;
}

ct_code ct_tsv_read(const char *path, ct_tsv *t)
{
	memset(t, 0, sizeof *t);
	ct_code c = ct_read_file(path, &t->buf, NULL);
	if (c)
		return c;
	size_t nlines;
	char **lines = split_lines(t->buf, &nlines);
	if (!lines) {
		ct_tsv_free(t);
		return ct_fail(CT_ENOMEM, "%s: out of memory", path);
	}
	if (nlines == 0) {
		free(lines);
		ct_tsv_free(t);
		return ct_fail(CT_EDATA, "%s: empty table (no header line)", path);
	}
	t->ncols = count_fields(lines[0]);
	t->nrows = nlines - 1;
	t->header = malloc(t->ncols * nlines * sizeof(char *));
	if (!t->header) {
		free(lines);
		ct_tsv_free(t);
		return ct_fail(CT_ENOMEM, "%s: out of memory", path);
	}
	t->cell = t->header + t->ncols;
	for (size_t l = 0; l < nlines; l++) {
		char **row = t->header + l * t->ncols, *s = lines[l];
		for (size_t k = 0; k < t->ncols; k++) {
			row[k] = s ? s : "";
			char *tab = s ? strchr(s, '\t') : NULL;
			if (tab)
				*tab = 0;
			s = tab ? tab + 1 : NULL;
		}
	}
	free(lines);
	return CT_OK;
}

void ct_tsv_free(ct_tsv *t)
{
	free(t->buf);
	free(t->header);
	memset(t, 0, sizeof *t);
}

int ct_tsv_col(const ct_tsv *t, const char *name)
{
	for (size_t k = 0; k < t->ncols; k++)
		if (!strcmp(t->header[k], name))
			return (int)k;
	return -1;
}

const char *ct_tsv_get(const ct_tsv *t, size_t row, int col)
{
	return col < 0 || row >= t->nrows ? "" : t->cell[row * t->ncols + (size_t)col];
}

void ct_tsv_put(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

void ct_tsv_put_row(FILE *f, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc('\t', f);
		ct_tsv_put(f, cells[i]);
	}
	fputc('\n', f);
}
