/* csvrows.h: rows of a CSV text (RFC 4180 quoting, through libcsv), each with its line number.
 *
 * A UTF-8 byte-order mark is dropped; CRLF and LF both end rows; empty lines are skipped.
 * The callback gets each row's fields as NUL-terminated strings (valid during the call) and
 * the 1-based line on which the row starts, so errors can name "file:line". A non-OK return
 * from the callback stops the parse and is returned.
 */
#ifndef CT_CSVROWS_H
#define CT_CSVROWS_H

#include "err.h"

#include <stddef.h>

typedef struct {
	char **field;
	size_t n;
	long line;
} ct_csv_row;

typedef ct_code (*ct_csv_row_fn)(const ct_csv_row *row, void *arg);

ct_code ct_csv_parse(const char *name, const char *buf, size_t len, char delim,
                     ct_csv_row_fn fn, void *arg);
/* Index of the field named key in a header row (case-insensitive), or -1. */
int ct_csv_column(const ct_csv_row *header, const char *key);

#endif
