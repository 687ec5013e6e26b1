/* bq.c: see bq.h. */
#include "bq.h"
#include "bqpage.h"
#include "fs.h"
#include "http.h"
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum {
	PAGE_MAX = 256 << 20,   /* BigQuery caps an answer near 10-20 MB; far more is not BigQuery */
	ERROR_PAGE_MAX = 16 << 10,
	TOKEN_MAX = 8192,
};

typedef struct {
	const ct_bq_opts *o;
	ct_http *h;
	char *auth;               /* "Authorization: Bearer …" */
	const char *headers[3];
	const char *endpoints[1]; /* the engine keeps a pointer to it */
	char *base;               /* bigquery/v2/projects/<project>/queries */
	char error_page[ERROR_PAGE_MAX];
	ct_bq_result *res;
} bq;

/* ---- one call ---- */

/* BigQuery says "rateLimitExceeded" with a 403 and asks for a retry with backoff. */
static bool rate_limited(const ct_http_req *r, long status)
{
	char reason[64];
	if (status != 403)
		return false;
	ct_bq_error_reason(r->error_page, reason, sizeof reason);
	return !strcmp(reason, "rateLimitExceeded");
}

/* What a call that got no good answer means, in BigQuery's words and ours. */
static ct_code refusal(const bq *b, const ct_http_req *r, const char *what)
{
	char text[1200], reason[64];
	ct_bq_error_text(r->error_page, text, sizeof text);
	ct_bq_error_reason(r->error_page, reason, sizeof reason);
	const char *p = b->o->project;
	switch (r->status) {
	case 0:
		return ct_fail(CT_ENET, "%s: %s", what, r->why);
	case 401:
		return ct_fail(CT_ENET, "%s: HTTP 401 %s; the access token is missing, wrong or expired "
		               "(set BQ_TOKEN to a fresh `gcloud auth print-access-token`)", what, text);
	case 403:
		if (!strcmp(reason, "billingNotEnabled"))
			return ct_fail(CT_ENET, "%s: HTTP 403 %s; project %s must have billing enabled "
			               "(BigQuery bills the query to it)", what, text, p);
		if (!strcmp(reason, "accessDenied"))
			return ct_fail(CT_ENET, "%s: HTTP 403 %s; the account needs bigquery.jobs.create "
			               "(e.g. roles/bigquery.jobUser) in project %s", what, text, p);
		return ct_fail(CT_ENET, "%s: HTTP 403 %s", what, text);
	case 400:
		return ct_fail(CT_EDATA, "%s: the query failed: HTTP 400 %s", what, text);
	default:
		return ct_fail(CT_ENET, "%s: %s%s%s", what, r->why, *text ? ": " : "", text);
	}
}

/* One API call (a POST when post is not NULL); its answer parsed into page. */
static ct_code call(bq *b, const char *path, const char *post, const char *what, ct_bq_page *page)
{
	ct_http_mem m = {.max = PAGE_MAX};
	ct_http_req req = {.name = what, .path = path, .sink = &ct_http_mem_sink, .user = &m,
	                   .headers = b->headers, .post = post, .post_len = post ? strlen(post) : 0,
	                   .error_page = b->error_page, .error_cap = sizeof b->error_page,
	                   .transient = rate_limited};
	ct_http_req *one = &req;
	ct_code c = ct_http_run(b->h, &one, 1);
	if (c || !req.done) {
		free(m.buf);
		return refusal(b, &req, what);
	}
	b->res->calls++;
	c = ct_bq_page_parse(m.buf ? m.buf : "", m.len, what, page);
	free(m.buf);
	return c;
}

/* ---- the conversation ---- */

static ct_code request_id(char out[37])
{
	unsigned char r[16];
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		return ct_fail_errno(CT_EIO, "getrandom");
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40); /* a version 4 UUID */
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	char *o = out;
	for (int i = 0; i < 16; i++)
		o += sprintf(o, "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", r[i]);
	return CT_OK;
}

static ct_code post_body(const ct_bq_opts *o, const char *query, char **out)
{
	char rid[37];
	ct_code c = request_id(rid);
	if (c)
		return c;
	json_t *j = json_pack("{s:s, s:b, s:I, s:I, s:s}", "query", query, "useLegacySql", 0,
	                      "maxResults", (json_int_t)o->max_results, "timeoutMs", (json_int_t)o->timeout_ms,
	                      "requestId", rid);
	*out = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return *out ? CT_OK : ct_fail(CT_EDATA, "the query is not valid UTF-8 text");
}

/* The path of a getQueryResults call. */
static char *results_path(const bq *b, const char *token)
{
	const ct_bq_result *r = b->res;
	char *job = ct_url_escape(r->job_id, false), *loc = ct_url_escape(r->location, false);
	char *tok = token ? ct_url_escape(token, false) : NULL;
	char *p = job && loc && (tok || !token)
	        ? ct_pathf("%s/%s?location=%s&maxResults=%ld&timeoutMs=%ld%s%s", b->base, job, loc,
	                   b->o->max_results, b->o->timeout_ms, tok ? "&pageToken=" : "", tok ? tok : "")
	        : NULL;
	free(job);
	free(loc);
	free(tok);
	return p;
}

static void take_job(bq *b, const ct_bq_page *p)
{
	ct_bq_result *r = b->res;
	if (p->job_id && !*r->job_id)
		snprintf(r->job_id, sizeof r->job_id, "%s", p->job_id);
	if (p->location && !*r->location)
		snprintf(r->location, sizeof r->location, "%s", p->location);
	if (p->bytes_processed >= 0)
		r->bytes_processed = p->bytes_processed;
	if (p->cache_hit)
		r->cache_hit = 1;
}

static void pause_for(double seconds)
{
	if (seconds <= 0)
		return;
	struct timespec t = {.tv_sec = (time_t)seconds, .tv_nsec = (long)((seconds - (time_t)seconds) * 1e9)};
	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

/* The rows of a complete answer into the CSV, checked against totalRows. */
static ct_code take_rows(bq *b, ct_bq_csv *csv, const ct_bq_page *p, const char *what, long long *total)
{
	ct_code c = ct_bq_csv_page(csv, p, what);
	if (c)
		return c;
	if (p->total_rows >= 0)
		*total = p->total_rows;
	b->res->pages++;
	if (*total >= 0 && csv->rows > (unsigned long long)*total)
		return ct_fail(CT_EDATA, "%s: %llu rows received, more than the %lld totalRows says", what,
		               csv->rows, *total);
	ct_progress("page %u: %llu of %lld rows", b->res->pages, csv->rows, *total);
	return CT_OK;
}

/* The next call after an answer: poll (while the job runs) or the next page. */
static ct_code next_call(bq *b, const ct_bq_page *p, char *const last_token, const char *what,
                         double t_start, int polls, ct_bq_page *next)
{
	if (!*b->res->job_id)
		return ct_fail(CT_EDATA, "%s: no jobReference.jobId to ask again with", what);
	if (p->page_token && last_token && !strcmp(p->page_token, last_token))
		return ct_fail(CT_EDATA, "%s: the same pageToken twice", what);
	if (!p->complete) {
		double waited = ct_now() - t_start;
		if (waited > b->o->max_wait)
			return ct_fail(CT_ENET, "job %s did not complete within %.0f s (it may still be running)",
			               b->res->job_id, b->o->max_wait);
		double pause = polls < 5 ? 0.25 * (1 << polls) : 5; /* the server long-polls; this only paces a fast "no" */
		pause_for(pause);
	}
	char *path = results_path(b, p->complete ? p->page_token : NULL);
	if (!path)
		return ct_fail(CT_ENOMEM, "out of memory");
	char name[128];
	snprintf(name, sizeof name, "BigQuery job %.60s (%s)", b->res->job_id, p->complete ? "next page" : "waiting");
	ct_code c = call(b, path, NULL, name, next);
	free(path);
	return c;
}

static ct_code converse(bq *b, const char *query, ct_bq_csv *csv)
{
	char *body = NULL, *token = NULL;
	ct_code c = post_body(b->o, query, &body);
	ct_bq_page page = {0}, next;
	char what[160];
	snprintf(what, sizeof what, "BigQuery query in project %.80s", b->o->project);
	if (!c)
		c = call(b, b->base, body, what, &page);
	free(body);
	long long total = -1;
	double t0 = ct_now();
	int polls = 0;
	while (!c) {
		take_job(b, &page);
		if (page.error) {
			c = ct_fail(CT_EDATA, "%s: the query failed: %s", what, page.error);
			break;
		}
		if (page.complete && (c = take_rows(b, csv, &page, what, &total)))
			break;
		if (page.complete && !page.page_token)
			break;
		polls = page.complete ? 0 : polls + 1;
		if (!(c = next_call(b, &page, token, what, t0, polls - 1, &next))) {
			free(token);
			token = page.page_token ? strdup(page.page_token) : NULL;
			ct_bq_page_free(&page);
			page = next;
		}
	}
	ct_progress_end();
	ct_bq_page_free(&page);
	free(token);
	if (!c && total < 0)
		c = ct_fail(CT_EDATA, "%s: no answer said totalRows", what);
	if (!c && csv->rows != (unsigned long long)total)
		c = ct_fail(CT_EDATA, "%s: %llu rows received, totalRows says %lld", what, csv->rows, total);
	return c;
}

static ct_code setup(bq *b, const ct_bq_opts *o, ct_bq_result *res)
{
	memset(res, 0, sizeof *res);
	res->bytes_processed = -1;
	b->o = o;
	b->res = res;
	char *proj = ct_url_escape(o->project, false);
	b->base = proj ? ct_pathf("bigquery/v2/projects/%s/queries", proj) : NULL;
	b->auth = ct_pathf("Authorization: Bearer %s", o->token);
	free(proj);
	if (!b->base || !b->auth)
		return ct_fail(CT_ENOMEM, "out of memory");
	b->headers[0] = b->auth;
	b->headers[1] = "Content-Type: application/json; charset=utf-8";
	b->endpoints[0] = o->url;
	ct_http_opts ho = {.endpoints = b->endpoints, .nendpoints = 1, .jobs = 1, .retries = o->retries,
	                   .cacert = o->cacert, .stall_seconds = o->timeout_ms / 1000 + 60};
	return ct_http_new(&b->h, &ho);
}

static void teardown(bq *b)
{
	ct_http_free(b->h);
	free(b->base);
	if (b->auth) /* the token must not linger in freed memory */
		explicit_bzero(b->auth, strlen(b->auth));
	free(b->auth);
}

ct_code ct_bq_query(const ct_bq_opts *o, const char *query, const char *out, ct_bq_result *res)
{
	bq b = {0};
	ct_atomic a;
	ct_bq_csv csv = {0};
	ct_code c = setup(&b, o, res);
	if (!c && !(c = ct_atomic_open(&a, out))) {
		c = ct_bq_csv_start(&csv, ct_atomic_stream(&a));
		if (!c)
			c = converse(&b, query, &csv);
		if (!c)
			c = ct_atomic_commit(&a);
		else
			ct_atomic_abort(&a);
	}
	if (!c) {
		res->rows = csv.rows;
		ct_bq_csv_finish(&csv, res->sha256);
	}
	ct_bq_csv_free(&csv);
	teardown(&b);
	return c;
}

/* ---- the token ---- */

static ct_code token_check(const char *t, const char *from)
{
	if (!*t)
		return ct_fail(CT_EUSAGE, "%s gave an empty access token", from);
	for (const unsigned char *p = (const unsigned char *)t; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return ct_fail(CT_EUSAGE, "%s: the access token holds a space or control character", from);
	return CT_OK;
}

/* `gcloud auth print-access-token`, its standard output read through a pipe. */
static ct_code token_from_gcloud(char **token)
{
	int fd[2];
	if (pipe(fd))
		return ct_fail_errno(CT_EIO, "pipe");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	char *argv[] = {"gcloud", "auth", "print-access-token", NULL};
	pid_t pid;
	int err = posix_spawnp(&pid, "gcloud", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	if (err) {
		close(fd[0]);
		return ct_fail(CT_EUSAGE, "no BQ_TOKEN set and gcloud cannot be run (%s): set BQ_TOKEN to an "
		               "access token", strerror(err));
	}
	char *buf = calloc(1, TOKEN_MAX + 1);
	size_t len = 0;
	ssize_t n;
	while (buf && len < TOKEN_MAX && ((n = read(fd[0], buf + len, TOKEN_MAX - len)) > 0 || (n < 0 && errno == EINTR)))
		len += n > 0 ? (size_t)n : 0;
	close(fd[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!buf)
		return ct_fail(CT_ENOMEM, "out of memory");
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		free(buf);
		return ct_fail(CT_EUSAGE, "`gcloud auth print-access-token` failed (exit %d): run `gcloud auth "
		               "login` or set BQ_TOKEN", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
	while (len && isspace((unsigned char)buf[len - 1]))
		buf[--len] = 0;
	*token = buf;
	return CT_OK;
}

ct_code ct_bq_token(char **token)
{
	*token = NULL;
	const char *env = getenv("BQ_TOKEN");
	ct_code c = env && *env ? ((*token = strdup(env)) ? CT_OK : ct_fail(CT_ENOMEM, "out of memory"))
	                        : token_from_gcloud(token);
	if (!c)
		c = token_check(*token, env && *env ? "BQ_TOKEN" : "gcloud");
	if (c) {
		free(*token);
		*token = NULL;
	}
	return c;
}

/* ---- the dataset a query runs on ---- */

static bool ident_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '-';
}

static void line_col(const char *text, const char *at, long *line, long *col)
{
	*line = 1;
	*col = 1;
	for (const char *p = text; p < at; p++) {
		if (*p == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

ct_code ct_bq_retarget(const char *query, const char *table, const char *dataset, const char *where,
                       char **out)
{
	*out = NULL;
	const char *d1 = strchr(table, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (!d1 || !d2 || d1 == table || d2 == d1 + 1 || !d2[1] || strchr(d2 + 1, '.'))
		return ct_fail(CT_EUSAGE, "'%s' is not project.dataset.table", table);
	if (!*dataset || strspn(dataset, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(dataset))
		return ct_fail(CT_EUSAGE, "'%s' is not a dataset name (letters, digits, _)", dataset);
	size_t plen = (size_t)(d1 - table), tlen = strlen(table), n = 0;
	char *project = strndup(table, plen);
	if (!project)
		return ct_fail(CT_ENOMEM, "out of memory");
	/* First pass: every mention of the project is the table, exactly. Each place the project's
	 * name starts is judged (p++, not p += plen: in "xa:a:a.d.t" the second "a:a" overlaps the
	 * first), so n counts every mention the second pass renames and cap holds them all. */
	for (const char *p = query; (p = strstr(p, project)); p++) {
		if (p > query && (ident_char(p[-1]) || p[-1] == '.'))
			continue; /* part of a longer name */
		long line, col;
		line_col(query, p, &line, &col);
		if (strncmp(p, table, tlen) || ident_char(p[tlen]) || p[tlen] == '.') {
			size_t k = strcspn(p, " \t\r\n`,;()");
			free(project);
			return ct_fail(CT_EDATA, "%s:%ld:%ld: names '%.*s' where %s was expected (a query must name "
			               "only that table of %.*s, so that it can be run on another release)", where, line,
			               col, (int)(k > 80 ? 80 : k), p, table, (int)plen, table);
		}
		n++;
	}
	free(project);
	if (n == 0)
		return ct_fail(CT_EDATA, "%s: does not name %s, the table it is expected to query", where, table);
	/* Second pass: each mention with the new dataset. */
	size_t dold = (size_t)(d2 - d1 - 1), dnew = strlen(dataset);
	size_t cap = strlen(query) + n * (dnew > dold ? dnew - dold : 0) + 1;
	char *o = malloc(cap), *w = o;
	if (!o)
		return ct_fail(CT_ENOMEM, "out of memory");
	for (const char *p = query; *p;) {
		if (!strncmp(p, table, tlen) && (p == query || !(ident_char(p[-1]) || p[-1] == '.')) &&
		    !ident_char(p[tlen]) && p[tlen] != '.') {
			w += sprintf(w, "%.*s.%s.%s", (int)plen, table, dataset, d2 + 1);
			p += tlen;
		} else {
			*w++ = *p++;
		}
	}
	*w = 0;
	*out = o;
	return CT_OK;
}
