/* bqpage.h: one answer of BigQuery's query API (jobs.query, jobs.getQueryResults), and its rows
 * as CSV.
 *
 * An answer is JSON: jobComplete, jobReference {jobId, location}, pageToken, totalRows (a
 * decimal string), totalBytesProcessed, cacheHit, schema {fields: [{name, type}]} and
 * rows: [{f: [{v}]}]. Each v is a string or null (BigQuery's REST API sends every scalar,
 * numbers too, as a string); a nested value (RECORD, REPEATED) has no CSV form and is refused,
 * naming the row and column. Every row must have one cell per schema field.
 *
 * CSV (RFC 4180, cells quoted by libcsv's writer): the header is the schema's field names, each
 * row one line, LF line ends, no BOM. A cell is quoted when it holds a comma, a quote, CR or LF,
 * starts or ends with a space or tab (libcsv's reader trims those around unquoted cells), or
 * starts with U+FEFF (first in the file, a reader would drop it as a byte-order mark);
 * null is an empty cell. The bytes written go through a SHA-256, so the caller can record the
 * digest of the file without reading it again.
 *
 * An error answer ({"error": {code, message, status, errors: [{reason, message, location}]}})
 * becomes one line: "<status or reason>: <message> (at <location>)".
 */
#ifndef CT_BQPAGE_H
#define CT_BQPAGE_H

#include "digest.h"
#include "err.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct {
	void *root;               /* the parsed JSON (json_t *) */
	bool complete;            /* jobComplete */
	const char *job_id;       /* NULL when absent; these point into root */
	const char *location;
	const char *page_token;
	long long total_rows;     /* -1 when absent */
	long long bytes_processed; /* -1 when absent */
	bool cache_hit;
	void *fields;             /* schema.fields (json_t *), NULL when absent */
	void *rows;               /* rows (json_t *), NULL when absent */
	size_t nrows;
	const char *error;        /* a failure the answer reports with jobComplete (errors[0].message) */
} ct_bq_page;

/* Parse one answer; where names it in messages ("page 3"). */
ct_code ct_bq_page_parse(const char *json, size_t len, const char *where, ct_bq_page *p);
void ct_bq_page_free(ct_bq_page *p);

/* The reason of an error answer (errors[0].reason), copied into out; "" when there is none. */
void ct_bq_error_reason(const char *json, char *out, size_t cap);
/* An error answer as one line (see above) into out; the first line of the text when it is
 * not BigQuery's JSON. */
void ct_bq_error_text(const char *json, char *out, size_t cap);

/* The CSV being written. */
typedef struct {
	FILE *out;
	char **names;             /* the header, from the first schema seen */
	size_t ncols;
	unsigned long long rows;  /* data rows written */
	ct_digest sha256;
	bool started;
} ct_bq_csv;

ct_code ct_bq_csv_start(ct_bq_csv *c, FILE *out);
/* Write the header (on the first page that has a schema: every later schema must name the
 * same columns) and the page's rows. */
ct_code ct_bq_csv_page(ct_bq_csv *c, const ct_bq_page *p, const char *where);
/* The SHA-256 of every byte written; ends the digest. */
void ct_bq_csv_finish(ct_bq_csv *c, char hex[CT_HEX_MAX]);
void ct_bq_csv_free(ct_bq_csv *c);

#endif
