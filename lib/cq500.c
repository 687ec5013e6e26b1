/* cq500.c: see cq500.h. */
#include "cq500.h"
#include "tsv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A finding and the reads.csv columns that hold it. */
typedef struct {
	char name[128];
	int col[16];
	int readers;
} finding;

typedef struct {
	finding f[64];
	int n;
	int name, category;
} layout;

static ct_code find_columns(const ct_table *t, const char *path, layout *L)
{
	ct_code c = ct_table_need(t, path, "name", &L->name);
	L->category = ct_table_column(t, "Category");
	const ct_csv_row *h = &t->row[0];
	for (size_t i = 0; c == CT_OK && i < h->n; i++) {
		const char *colon = strchr(h->field[i], ':');
		if ((int)i == L->name || (int)i == L->category)
			continue;
		/* Looked past 'R' only when there is one: an empty name has no byte after its end. */
		size_t digits = h->field[i][0] == 'R' ? strspn(h->field[i] + 1, "0123456789") : 0;
		if (!digits || h->field[i] + 1 + digits != colon || !colon[1])
			return ct_fail(CT_EDATA, "%s: column '%s' is not R<k>:<finding>", path, h->field[i]);
		int k = 0;
		while (k < L->n && strcmp(L->f[k].name, colon + 1))
			k++;
		if (k == L->n) {
			if (L->n == 64)
				return ct_fail(CT_EDATA, "%s: more than 64 findings", path);
			snprintf(L->f[L->n++].name, sizeof L->f[0].name, "%s", colon + 1);
		}
		if (L->f[k].readers == 16)
			return ct_fail(CT_EDATA, "%s: more than 16 readers of %s", path, colon + 1);
		L->f[k].col[L->f[k].readers++] = (int)i;
	}
	if (c == CT_OK && !L->n)
		c = ct_fail(CT_EDATA, "%s: no R<k>:<finding> column", path);
	return c;
}

/* A cell as a finding: 1 nonzero, 0 zero or empty. */
static ct_code marked(const char *v, const char *path, long line, int *yes)
{
	if (!*v) {
		*yes = 0;
		return CT_OK;
	}
	char *end;
	errno = 0;
	double x = strtod(v, &end);
	if (errno || end == v || *end)
		return ct_fail(CT_EDATA, "%s:%ld: '%s' is not a number", path, line, v);
	*yes = x != 0;
	return CT_OK;
}

/* "CQ500-CT-<N>" → "CQ500CT<N> CQ500CT<N>". */
static ct_code patient_dir(const char *name, const char *path, long line, char *dir, size_t cap)
{
	static const char prefix[] = "CQ500-CT-";
	if (strncmp(name, prefix, strlen(prefix))) /* first: a shorter name ends before the digits */
		return ct_fail(CT_EDATA, "%s:%ld: name '%s' is not CQ500-CT-<N>", path, line, name);
	const char *num = name + strlen(prefix);
	size_t digits = strspn(num, "0123456789");
	if (!digits || num[digits])
		return ct_fail(CT_EDATA, "%s:%ld: name '%s' is not CQ500-CT-<N>", path, line, name);
	snprintf(dir, cap, "CQ500CT%s CQ500CT%s", num, num);
	return CT_OK;
}

static ct_code put_patient(FILE *f, const ct_table *t, size_t r, const layout *L, const char *path)
{
	const ct_csv_row *row = &t->row[r];
	char dir[128];
	ct_code c = patient_dir(row->field[L->name], path, row->line, dir, sizeof dir);
	for (size_t q = 1; c == CT_OK && q < r; q++)
		if (!strcmp(t->row[q].field[L->name], row->field[L->name]))
			c = ct_fail(CT_EDATA, "%s:%ld: %s appears again (first on line %ld)", path, row->line,
			            row->field[L->name], t->row[q].line);
	int any = 0, major[64];
	for (int k = 0; c == CT_OK && k < L->n; k++) {
		int votes = 0, yes = 0;
		for (int j = 0; c == CT_OK && j < L->f[k].readers; j++)
			if (!(c = marked(row->field[L->f[k].col[j]], path, row->line, &yes)))
				votes += yes;
		major[k] = 2 * votes > L->f[k].readers;
		any |= votes > 0;
	}
	if (c)
		return c;
	ct_tsv_put(f, row->field[L->name]);
	fprintf(f, "\t%s\t%d", dir, any);
	for (int k = 0; k < L->n; k++)
		fprintf(f, "\t%d", major[k]);
	fputc('\n', f);
	return CT_OK;
}

ct_code ct_cq500_labels(const ct_table *t, const char *path, FILE *f)
{
	layout L = {.n = 0};
	ct_code c = find_columns(t, path, &L);
	if (c)
		return c;
	fputs("name\tdir\tlabel", f);
	for (int k = 0; k < L.n; k++) {
		fputc('\t', f);
		ct_tsv_put(f, L.f[k].name);
	}
	fputc('\n', f);
	for (size_t r = 1; c == CT_OK && r < t->n; r++)
		c = put_patient(f, t, r, &L, path);
	return c;
}
