/* bq.h: one BigQuery query through the REST API, its result streamed to a CSV file.
 *
 *   POST <url>/bigquery/v2/projects/<project>/queries
 *        {"query", "useLegacySql": false, "maxResults", "timeoutMs", "requestId"}
 *   then, while jobComplete is false and then for every pageToken,
 *   GET  <url>/bigquery/v2/projects/<project>/queries/<jobId>?location=&maxResults=&timeoutMs=[&pageToken=]
 *
 * Every call carries "Authorization: Bearer <token>" (the token is never written anywhere).
 * The requestId makes the POST idempotent: a POST retried after a lost answer joins the job it
 * started instead of starting (and billing) a second one. Retried with backoff (lib/http): broken
 * connections, 5xx, 429 (honouring Retry-After) and BigQuery's 403 rateLimitExceeded. Final, with
 * BigQuery's reason and message: 401 (the token), 403 (no billing, no permission, quota), 400
 * (the query: its message names the line and column), 404.
 *
 * Rows are written page by page as they arrive (lib/bqpage: memory is one page, whatever the row
 * count) into OUT through lib/fs's atomic write: OUT appears only complete, after the last page,
 * and only when the rows received equal the answer's totalRows. On any failure OUT is untouched.
 */
#ifndef CT_BQ_H
#define CT_BQ_H

#include "digest.h"
#include "err.h"

typedef struct {
	const char *url;      /* API base, e.g. https://bigquery.googleapis.com */
	const char *project;  /* the billing project the job runs in */
	const char *token;    /* OAuth 2 access token */
	long max_results;     /* rows per page */
	long timeout_ms;      /* how long one call may wait for the job on the server */
	double max_wait;      /* seconds the job may take before we give up on it */
	int retries;          /* per call */
	const char *cacert;   /* CA bundle, NULL = the system's */
} ct_bq_opts;

typedef struct {
	unsigned long long rows;
	unsigned pages;       /* answers that carried rows or the schema */
	unsigned calls;       /* API calls that were answered (retries not counted) */
	char sha256[CT_HEX_MAX]; /* of OUT's bytes */
	char job_id[256];
	char location[64];
	long long bytes_processed; /* -1 when not said */
	int cache_hit;
} ct_bq_result;

ct_code ct_bq_query(const ct_bq_opts *o, const char *query, const char *out, ct_bq_result *res);

/* The access token: $BQ_TOKEN, else what `gcloud auth print-access-token` prints (run without a
 * shell; its stderr passes through). A token with spaces or control characters is refused (it
 * would break or forge a header line). malloc'd. */
ct_code ct_bq_token(char **token);

/* The query text run on another dataset: every mention of the project of table
 * ("project.dataset.table") must be that table, and each becomes project.<dataset>.table.
 * A query that names the table nowhere, or names anything else of that project (another
 * dataset or table: a query mixing releases), is refused with the line and column. malloc'd. */
ct_code ct_bq_retarget(const char *query, const char *table, const char *dataset, const char *where,
                       char **out);

#endif
