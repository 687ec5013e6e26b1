/* table.h: the small CSV/TSV tables the downstream datasets ship (meta.csv, 3D-MIR's labels and
 * splits, labels.tsv), read whole (through lib/csvrows, i.e. libcsv) and written back in one
 * plain form.
 *
 * Reading accepts what lib/csvrows does (a UTF-8 BOM, CRLF or LF line ends, RFC 4180 quoting,
 * blank lines skipped; libcsv trims spaces around unquoted fields) with a delimiter given or
 * guessed from the header line (whichever of ';', tab and ',' occurs most there outside quotes).
 * A CRLF inside a quoted field becomes LF. A row with a different number of fields than the
 * header is an error naming the file and line.
 * Writing: LF line ends, no BOM; a field is quoted only when it holds the delimiter, a quote or
 * a line break.
 */
#ifndef CT_TABLE_H
#define CT_TABLE_H

#include "csvrows.h"
#include "err.h"

#include <stddef.h>
#include <stdio.h>

typedef struct {
	ct_csv_row *row; /* row[0] is the header; each row owns its fields */
	size_t n;
	char sep;
} ct_table;

/* sep 0: guess. where names the input in messages. */
ct_code ct_table_parse(const char *text, size_t len, char sep, const char *where, ct_table *out);
ct_code ct_table_read(const char *path, char sep, ct_table *out);
void ct_table_free(ct_table *t);
/* Index of a header column (case-insensitive), or -1. */
int ct_table_column(const ct_table *t, const char *name);
/* Index of a header column, or CT_EDATA naming the file and column (*col untouched). */
ct_code ct_table_need(const ct_table *t, const char *where, const char *name, int *col);
/* One field, quoted when needed (see above). */
void ct_table_put(FILE *f, const char *field, char sep);
/* A whole row: fields joined by sep, then LF. */
void ct_table_put_row(FILE *f, char *const *field, size_t n, char sep);

#endif
