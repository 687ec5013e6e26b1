/* tsv.h: tab-separated tables (the plan, per-scan records, indexes).
 *
 * A table is a header line naming the columns and rows of cells; no quoting (writers replace
 * tabs and newlines inside values by spaces). CRLF is accepted. Cells are NUL-terminated
 * strings inside one buffer owned by the table.
 */
#ifndef CT_TSV_H
#define CT_TSV_H

#include "err.h"

#include <stdio.h>
#include <stddef.h>

typedef struct {
	char *buf;
	char **cell;     /* nrows × ncols, row-major; short rows padded with "" */
	size_t ncols, nrows;
	char **header;   /* ncols names */
} ct_tsv;

ct_code ct_tsv_read(const char *path, ct_tsv *t);
void ct_tsv_free(ct_tsv *t);
/* Column index by name, or -1. */
int ct_tsv_col(const ct_tsv *t, const char *name);
/* Cell (row, col); "" when col < 0. */
const char *ct_tsv_get(const ct_tsv *t, size_t row, int col);
/* Write s as one cell: tabs, CR and LF become spaces (the one place that cleans a cell; NULL
 * writes nothing). */
void ct_tsv_put(FILE *f, const char *s);
/* A whole row: n cells (ct_tsv_put), tab-separated, then LF. */
void ct_tsv_put_row(FILE *f, const char *const *cells, size_t n);

#endif
