/* csv.h: the small CSV/TSV tables the downstream datasets ship (meta.csv, 3D-MIR's labels and
 * splits, labels.tsv), read whole and written back in one plain form.
 *
 * Reading accepts a UTF-8 BOM, CRLF or LF line ends, quoted fields ('"' doubled inside, line
 * breaks allowed) and a delimiter given or guessed from the header line (whichever of ';', tab
 * and ',' occurs most there outside quotes). Blank lines are skipped. A row with a different
 * number of fields than the header is an error naming the file and line.
 * Writing: LF line ends, no BOM; a field is quoted only when it holds the delimiter, a quote or
 * a line break.
 */
#ifndef CT_CSV_H
#define CT_CSV_H

#include "err.h"

#include <stddef.h>
#include <stdio.h>

typedef struct {
	char **field;
	size_t n;
	int line; /* where the row starts, for messages */
} ct_csv_row;

typedef struct {
	ct_csv_row *row; /* row[0] is the header */
	size_t n;
	char sep;
} ct_csv;

/* sep 0: guess. where names the input in messages. */
ct_code ct_csv_parse(const char *text, size_t len, char sep, const char *where, ct_csv *out);
ct_code ct_csv_read(const char *path, char sep, ct_csv *out);
void ct_csv_free(ct_csv *t);
/* Index of a header column, or -1. */
int ct_csv_column(const ct_csv *t, const char *name);
/* Index of a header column, or CT_EDATA naming the file and column (*col untouched). */
ct_code ct_csv_need(const ct_csv *t, const char *where, const char *name, int *col);
/* One field, quoted when needed (see above). */
void ct_csv_put(FILE *f, const char *field, char sep);
/* A whole row: fields joined by sep, then LF. */
void ct_csv_put_row(FILE *f, char *const *field, size_t n, char sep);

#endif
