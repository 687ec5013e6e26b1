/* bqpage.c: see bqpage.h. */
#include "bqpage.h"

#include <csv.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A decimal count sent as a string (BigQuery's int64 form) or a number; -1 when absent or bad. */
static long long count_of(json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v);
	const char *s = json_string_value(v);
	if (!s || !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
		return -1;
	return strtoll(s, NULL, 10);
}

ct_code ct_bq_page_parse(const char *json, size_t len, const char *where, ct_bq_page *p)
{
	memset(p, 0, sizeof *p);
	json_error_t err;
	json_t *root = json_loadb(json, len, 0, &err);
	if (!root)
		return ct_fail(CT_EDATA, "%s: not JSON: line %d: %s", where, err.line, err.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return ct_fail(CT_EDATA, "%s: not a JSON object", where);
	}
	p->root = root;
	p->complete = json_is_true(json_object_get(root, "jobComplete"));
	json_t *ref = json_object_get(root, "jobReference");
	p->job_id = json_string_value(json_object_get(ref, "jobId"));
	p->location = json_string_value(json_object_get(ref, "location"));
	p->page_token = json_string_value(json_object_get(root, "pageToken"));
	if (p->page_token && !*p->page_token)
		p->page_token = NULL;
	p->total_rows = count_of(json_object_get(root, "totalRows"));
	p->bytes_processed = count_of(json_object_get(root, "totalBytesProcessed"));
	p->cache_hit = json_is_true(json_object_get(root, "cacheHit"));
	json_t *fields = json_object_get(json_object_get(root, "schema"), "fields");
	json_t *rows = json_object_get(root, "rows");
	json_t *errors = json_object_get(root, "errors");
	if ((fields && !json_is_array(fields)) || (rows && !json_is_array(rows))) {
		ct_bq_page_free(p);
		return ct_fail(CT_EDATA, "%s: schema.fields or rows is not an array", where);
	}
	p->fields = fields;
	p->rows = rows;
	p->nrows = rows ? json_array_size(rows) : 0;
	/* errors[] may hold warnings of a job that succeeded; with no schema it failed. */
	if (p->complete && !fields && json_array_size(errors) > 0) {
		json_t *e = json_array_get(errors, 0);
		p->error = json_string_value(json_object_get(e, "message"));
		if (!p->error)
			p->error = "the job failed (no message)";
	}
	return CT_OK;
}

void ct_bq_page_free(ct_bq_page *p)
{
	json_decref(p->root);
	memset(p, 0, sizeof *p);
}

static json_t *error_object(const char *json, json_t **root)
{
	*root = json ? json_loads(json, 0, NULL) : NULL;
	json_t *e = json_object_get(*root, "error");
	return json_is_object(e) ? e : NULL;
}

void ct_bq_error_reason(const char *json, char *out, size_t cap)
{
	json_t *root, *e = error_object(json, &root);
	const char *r = json_string_value(json_object_get(json_array_get(json_object_get(e, "errors"), 0), "reason"));
	snprintf(out, cap, "%s", r ? r : "");
	json_decref(root);
}

void ct_bq_error_text(const char *json, char *out, size_t cap)
{
	json_t *root, *e = error_object(json, &root);
	if (!e) {
		const char *s = json ? json : "";
		int n = (int)strcspn(s, "\r\n");
		snprintf(out, cap, "%.*s", n > 200 ? 200 : n, s);
		json_decref(root);
		return;
	}
	json_t *first = json_array_get(json_object_get(e, "errors"), 0);
	const char *reason = json_string_value(json_object_get(first, "reason"));
	const char *status = json_string_value(json_object_get(e, "status"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	const char *loc = json_string_value(json_object_get(first, "location"));
	if (!msg)
		msg = json_string_value(json_object_get(first, "message"));
	int n = snprintf(out, cap, "%s%s%s", reason ? reason : status ? status : "",
	                 reason || status ? ": " : "", msg ? msg : "(no message)");
	while (n > 0 && (size_t)n < cap && out[n - 1] == '.') /* the caller goes on after it */
		out[--n] = 0;
	if (loc && *loc && n >= 0 && (size_t)n < cap)
		snprintf(out + n, cap - (size_t)n, " (at %s)", loc);
	json_decref(root);
}

/* ---- CSV ---- */

/* Quoted when libcsv's reader would not give the cell back as it is. */
static bool needs_quotes(const char *s, size_t n)
{
	if (n == 0)
		return false;
	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		return true; /* first in the file it would be read as a byte-order mark and dropped */
	if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
		return true;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return true;
	return false;
}

static ct_code put_cell(FILE *f, const char *s, size_t n)
{
	int bad = needs_quotes(s, n) ? csv_fwrite(f, s, n) : (fwrite(s, 1, n, f) != n);
	return bad ? ct_fail(CT_ENOMEM, "csv: cannot write a cell") : CT_OK;
}

/* A cell's text: a string, null (""), or a JSON scalar a server sent unquoted. */
static ct_code cell_text(json_t *v, char *num, size_t cap, const char **s, size_t *n)
{
	if (json_is_string(v)) {
		*s = json_string_value(v);
		*n = json_string_length(v);
	} else if (json_is_null(v)) {
		*s = "";
		*n = 0;
	} else if (json_is_integer(v) || json_is_real(v) || json_is_boolean(v)) {
		int k = json_is_boolean(v) ? snprintf(num, cap, "%s", json_is_true(v) ? "true" : "false")
		      : json_is_integer(v) ? snprintf(num, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v))
		                           : snprintf(num, cap, "%.17g", json_real_value(v));
		*s = num;
		*n = (size_t)k;
	} else {
		return CT_EDATA;
	}
	return CT_OK;
}

static ct_code put_row(ct_bq_csv *c, FILE *f, json_t *row, const char *where, size_t i)
{
	json_t *cells = json_object_get(row, "f");
	if (!json_is_array(cells))
		return ct_fail(CT_EDATA, "%s: row %zu has no f[]", where, i + 1);
	if (json_array_size(cells) != c->ncols)
		return ct_fail(CT_EDATA, "%s: row %zu has %zu cells, the schema %zu columns", where, i + 1,
		               json_array_size(cells), c->ncols);
	for (size_t k = 0; k < c->ncols; k++) {
		json_t *cell = json_array_get(cells, k);
		const char *s;
		size_t n;
		char num[64];
		if (!json_is_object(cell) || cell_text(json_object_get(cell, "v"), num, sizeof num, &s, &n))
			return ct_fail(CT_EDATA, "%s: row %zu, column %s: not a single value (nested RECORD or "
			               "REPEATED values have no CSV form)", where, i + 1, c->names[k]);
		if ((k && fputc(',', f) == EOF) || put_cell(f, s, n))
			return ct_fail(CT_ENOMEM, "csv: out of memory");
	}
	return fputc('\n', f) == EOF ? ct_fail(CT_ENOMEM, "csv: out of memory") : CT_OK;
}

static ct_code take_schema(ct_bq_csv *c, json_t *fields, const char *where)
{
	size_t n = json_array_size(fields);
	if (n == 0)
		return ct_fail(CT_EDATA, "%s: the schema has no fields", where);
	c->names = calloc(n, sizeof *c->names);
	if (!c->names)
		return ct_fail(CT_ENOMEM, "out of memory");
	for (size_t k = 0; k < n; k++) {
		const char *name = json_string_value(json_object_get(json_array_get(fields, k), "name"));
		if (!name || !*name)
			return ct_fail(CT_EDATA, "%s: schema field %zu has no name", where, k + 1);
		if (!(c->names[k] = strdup(name)))
			return ct_fail(CT_ENOMEM, "out of memory");
		c->ncols = k + 1;
	}
	return CT_OK;
}

static ct_code same_schema(const ct_bq_csv *c, json_t *fields, const char *where)
{
	bool same = json_array_size(fields) == c->ncols;
	for (size_t k = 0; same && k < c->ncols; k++) {
		const char *name = json_string_value(json_object_get(json_array_get(fields, k), "name"));
		same = name && !strcmp(name, c->names[k]);
	}
	return same ? CT_OK : ct_fail(CT_EDATA, "%s: the schema differs from the first page's", where);
}

/* Text into the file and the digest. */
static ct_code emit(ct_bq_csv *c, const char *buf, size_t len)
{
	ct_digest_update(&c->sha256, buf, len);
	if (len && fwrite(buf, 1, len, c->out) != len)
		return ct_fail_errno(CT_EIO, "csv: write");
	return CT_OK;
}

ct_code ct_bq_csv_start(ct_bq_csv *c, FILE *out)
{
	memset(c, 0, sizeof *c);
	c->out = out;
	return ct_digest_init(&c->sha256, CT_SHA256, 0);
}

ct_code ct_bq_csv_page(ct_bq_csv *c, const ct_bq_page *p, const char *where)
{
	ct_code code = CT_OK;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return ct_fail(CT_ENOMEM, "out of memory");
	if (!c->started) {
		if (!p->fields)
			code = ct_fail(CT_EDATA, "%s: a complete answer without a schema", where);
		else if (!(code = take_schema(c, p->fields, where))) {
			for (size_t k = 0; k < c->ncols && !code; k++)
				code = (k && fputc(',', f) == EOF) ? ct_fail(CT_ENOMEM, "out of memory")
				                                   : put_cell(f, c->names[k], strlen(c->names[k]));
			if (!code && fputc('\n', f) == EOF)
				code = ct_fail(CT_ENOMEM, "out of memory");
			c->started = !code;
		}
	} else if (p->fields) {
		code = same_schema(c, p->fields, where);
	}
	for (size_t i = 0; i < p->nrows && !code; i++)
		code = put_row(c, f, json_array_get(p->rows, i), where, i);
	if (fclose(f) && !code)
		code = ct_fail(CT_ENOMEM, "out of memory");
	if (!code)
		code = emit(c, buf, len);
	if (!code)
		c->rows += p->nrows;
	free(buf);
	return code;
}

void ct_bq_csv_finish(ct_bq_csv *c, char hex[CT_HEX_MAX])
{
	ct_digest_final(&c->sha256, hex);
}

void ct_bq_csv_free(ct_bq_csv *c)
{
	ct_digest_free(&c->sha256);
	for (size_t k = 0; k < c->ncols; k++)
		free(c->names[k]);
	free(c->names);
	memset(c, 0, sizeof *c);
}
