/* http.c: see http.h. */
#include "http.h"

#include "digest.h"
#include "log.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define BACKOFF_FIRST 0.25   /* seconds before the first retry (before jitter) */
#define BACKOFF_MAX 30.0
#define UNREACHABLE_TRIES 4  /* attempts per endpoint at a refused connection or a failed lookup */
#define UNREACHABLE_BACKOFF_MAX 1.0
#define RETRY_AFTER_MAX 600.0 /* a server asking for longer than this is asking too much */
#define TICK 0.2

struct ct_http {
	ct_http_opts o;
	CURLM *multi;
	CURL **pool;      /* idle easy handles, kept for their TLS sessions */
	size_t npool;
	int preferred;    /* endpoint new attempts start at */
	ct_http_stats stats;
	unsigned seed;
};

char *ct_url_escape(const char *s, bool keep_slash)
{
	static const char hexd[] = "0123456789ABCDEF";
	char *out = malloc(strlen(s) * 3 + 1), *o = out;
	if (!out)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p) || (keep_slash && *p == '/')) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hexd[*p >> 4];
			*o++ = hexd[*p & 15];
		}
	}
	*o = 0;
	return out;
}

ct_code ct_http_new(ct_http **hp, const ct_http_opts *opts)
{
	static int global;
	if (!global++)
		curl_global_init(CURL_GLOBAL_DEFAULT);
	ct_http *h = calloc(1, sizeof *h);
	if (!h)
		return ct_fail(CT_ENOMEM, "http: out of memory");
	h->o = *opts;
	if (h->o.jobs < 1)
		h->o.jobs = 1;
	if (h->o.nendpoints > 16)
		h->o.nendpoints = 16;
	if (!h->o.cacert || !*h->o.cacert)
		h->o.cacert = getenv("CURL_CA_BUNDLE"); /* what the curl tool honours; libcurl does not */
	h->multi = curl_multi_init();
	h->pool = calloc((size_t)h->o.jobs, sizeof *h->pool);
	if (!h->multi || !h->pool) {
		ct_http_free(h);
		return ct_fail(CT_ENOMEM, "http: cannot start libcurl");
	}
	curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->o.jobs);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)h->o.jobs); /* keep every one for reuse */
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	h->seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)h;
	*hp = h;
	return CT_OK;
}

void ct_http_free(ct_http *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->npool; i++)
		curl_easy_cleanup(h->pool[i]);
	free(h->pool);
	if (h->multi)
		curl_multi_cleanup(h->multi);
	free(h);
}

ct_http_stats ct_http_get_stats(const ct_http *h)
{
	return h->stats;
}

/* ---- one attempt ---- */

static bool header_is(const char *line, size_t n, const char *name, const char **value)
{
	size_t k = strlen(name);
	if (n <= k || strncasecmp(line, name, k) || line[k] != ':')
		return false;
	const char *v = line + k + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	*value = v;
	return true;
}

/* Copy a header value without its line end. */
static void header_copy(char *dst, size_t cap, const char *v, const char *end)
{
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	size_t n = (size_t)(end - v) < cap - 1 ? (size_t)(end - v) : cap - 1;
	memcpy(dst, v, n);
	dst[n] = 0;
}

/* "crc32c=...,md5=<base64>" -> hex md5 */
static void goog_md5(ct_http_resp *resp, const char *v, const char *end)
{
	char buf[256];
	header_copy(buf, sizeof buf, v, end);
	for (char *tok = strtok(buf, ", "); tok; tok = strtok(NULL, ", "))
		if (!strncmp(tok, "md5=", 4) && ct_base64_to_hex(tok + 4, resp->goog_md5, sizeof resp->goog_md5))
			resp->goog_md5[0] = 0;
}

/* "bytes 100-199/1000", or "bytes * /1000" (without the space) with a 416 */
static void content_range(ct_http_resp *resp, const char *v)
{
	unsigned long long a, b, t;
	if (sscanf(v, "bytes %llu-%llu/%llu", &a, &b, &t) == 3) {
		resp->offset = a;
		resp->total = t;
	} else if (sscanf(v, "bytes */%llu", &t) == 1) {
		resp->total = t;
	}
}

static size_t on_header(char *line, size_t size, size_t nitems, void *user)
{
	ct_http_req *r = user;
	size_t n = size * nitems;
	const char *v;
	if (n >= 5 && !strncmp(line, "HTTP/", 5)) { /* a new response (after a redirect, or 100) */
		memset(&r->resp, 0, sizeof r->resp);
		r->resp.total = CT_HTTP_UNKNOWN;
	} else if (header_is(line, n, "etag", &v)) {
		header_copy(r->resp.etag, sizeof r->resp.etag, v, line + n);
	} else if (header_is(line, n, "x-goog-hash", &v)) {
		goog_md5(&r->resp, v, line + n);
	} else if (header_is(line, n, "content-range", &v)) {
		content_range(&r->resp, v);
	}
	return n;
}

static bool status_ok(long st)
{
	return st == 200 || st == 206;
}

/* The first body byte (or the end of an empty body): the sink sees the headers of an answer
 * that carries the object; an error page never reaches it. */
static ct_code begin_body(ct_http_req *r, CURL *e)
{
	r->began = true;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->resp.status);
	if (!status_ok(r->resp.status))
		return CT_OK;
	if (r->resp.status == 200) {
		curl_off_t len = -1;
		curl_easy_getinfo(e, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
		r->resp.offset = 0;
		r->resp.total = len >= 0 ? (uint64_t)len : CT_HTTP_UNKNOWN;
	}
	return r->sink->begin(r, &r->resp);
}

static void keep_error_page(ct_http_req *r, const char *buf, size_t n)
{
	if (!r->error_page || r->error_cap == 0)
		return;
	size_t room = r->error_cap - 1 - r->error_len;
	if (n > room)
		n = room;
	memcpy(r->error_page + r->error_len, buf, n);
	r->error_len += n;
	r->error_page[r->error_len] = 0;
}

static size_t on_body(char *buf, size_t size, size_t nitems, void *user)
{
	ct_http_req *r = user;
	size_t n = size * nitems;
	if (!r->began && (r->sink_code = begin_body(r, r->easy)) != CT_OK)
		return 0;
	if (!status_ok(r->resp.status)) {
		keep_error_page(r, buf, n); /* an error page: kept where asked for, else dropped */
		return n;
	}
	if ((r->sink_code = r->sink->body(r, buf, n)) != CT_OK)
		return 0;
	r->engine->stats.bytes += n;
	return n;
}

static CURL *easy_get(ct_http *h)
{
	if (h->npool > 0) {
		CURL *e = h->pool[--h->npool];
		curl_easy_reset(e); /* keeps its connections and TLS session cache */
		return e;
	}
	return curl_easy_init();
}

static void easy_put(ct_http *h, CURL *e)
{
	if (h->npool < (size_t)h->o.jobs)
		h->pool[h->npool++] = e;
	else
		curl_easy_cleanup(e);
}

static char *url_of(const ct_http *h, const ct_http_req *r)
{
	const char *base = h->o.endpoints[r->mirror];
	size_t bl = strlen(base);
	while (bl > 0 && base[bl - 1] == '/' && *r->path)
		bl--;
	size_t n = bl + strlen(r->path) + 2;
	char *u = malloc(n);
	if (u)
		snprintf(u, n, "%.*s%s%s", (int)bl, base, *r->path ? "/" : "", r->path);
	return u;
}

static void set_options(ct_http *h, CURL *e, ct_http_req *r, const char *url)
{
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 8L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, h->o.stall_seconds > 0 ? h->o.stall_seconds : 60L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 256L * 1024);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "ct-fetch (ctmake)");
	if (h->o.cacert)
		curl_easy_setopt(e, CURLOPT_CAINFO, h->o.cacert);
}

/* Start one attempt. CT_OK, or the request has failed (why set). */
static ct_code start(ct_http *h, ct_http_req *r)
{
	char if_range[300] = "";
	r->offset = 0;
	r->began = false;
	r->sink_code = CT_OK;
	memset(&r->resp, 0, sizeof r->resp);
	r->resp.total = CT_HTTP_UNKNOWN;
	ct_code c = r->sink->prepare(r, &r->offset, if_range, sizeof if_range - 10);
	if (c) {
		snprintf(r->why, sizeof r->why, "%s", ct_errmsg());
		r->sink->abandon(r);
		return c;
	}
	CURL *e = easy_get(h);
	char *url = url_of(h, r);
	struct curl_slist *hdr = NULL;
	if (!e || !url) {
		free(url);
		r->sink->abandon(r);
		snprintf(r->why, sizeof r->why, "out of memory");
		return ct_fail(CT_ENOMEM, "%s: out of memory", r->name);
	}
	set_options(h, e, r, url);
	free(url); /* libcurl copies strings */
	if (r->offset > 0) {
		curl_easy_setopt(e, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)r->offset);
		if (*if_range) {
			char line[320];
			snprintf(line, sizeof line, "If-Range: %s", if_range);
			hdr = curl_slist_append(hdr, line);
		}
	}
	if (r->post) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->post); /* not copied: the request owns it */
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->post_len);
		hdr = curl_slist_append(hdr, "Expect:"); /* no 100-continue round trip */
	}
	for (const char *const *l = r->headers; l && *l; l++)
		hdr = curl_slist_append(hdr, *l);
	if (hdr)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdr);
	if (r->error_page && r->error_cap)
		r->error_page[0] = 0;
	r->error_len = 0;
	r->easy = e;
	r->engine = h;
	r->header_list = hdr; /* must live as long as the transfer */
	curl_multi_add_handle(h->multi, e);
	h->stats.requests++;
	return CT_OK;
}

/* ---- the end of an attempt ---- */

typedef enum { ENDED, WAIT } outcome;

static double backoff(ct_http *h, int retries, double max)
{
	double d = BACKOFF_FIRST;
	for (int i = 1; i < retries && d < max; i++)
		d *= 2;
	if (d > max)
		d = max;
	/* Jitter: many clients that failed together must not come back together. */
	return d * (0.5 + 0.5 * rand_r(&h->seed) / (double)RAND_MAX);
}

static bool tls_or_setup_error(CURLcode res)
{
	return res == CURLE_PEER_FAILED_VERIFICATION || res == CURLE_SSL_CACERT_BADFILE ||
	       res == CURLE_SSL_CERTPROBLEM || res == CURLE_URL_MALFORMAT ||
	       res == CURLE_UNSUPPORTED_PROTOCOL || res == CURLE_OUT_OF_MEMORY;
}

static bool connection_error(CURLcode res)
{
	return res == CURLE_COULDNT_CONNECT || res == CURLE_COULDNT_RESOLVE_HOST ||
	       res == CURLE_COULDNT_RESOLVE_PROXY;
}

static outcome give_up(ct_http_req *r, ct_code code)
{
	r->done = false;
	r->sink_code = code ? code : CT_ENET;
	return ENDED;
}

static outcome retry(ct_http *h, ct_http_req *r, double retry_after)
{
	if (r->no_retry)
		return give_up(r, CT_EDATA);
	if (r->retries >= h->o.retries) {
		size_t n = strlen(r->why);
		snprintf(r->why + n, sizeof r->why - n, " (gave up after %d retries)", r->retries);
		return give_up(r, CT_ENET);
	}
	r->retries++;
	h->stats.retries++;
	r->mirror = (r->mirror + 1) % (int)h->o.nendpoints;
	double d = retry_after >= 0 ? retry_after : backoff(h, r->retries, BACKOFF_MAX);
	r->due = ct_now() + (d > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : d);
	return WAIT;
}

/* A refused connection or a failed name lookup: a server that is restarting gets a few quick
 * tries, one that stays unreachable fails the request within seconds (the backoff of resets and
 * 5xx would take minutes to say what is already known). */
static outcome unreachable(ct_http *h, ct_http_req *r)
{
	if (++r->unreachable >= UNREACHABLE_TRIES * (int)h->o.nendpoints) {
		size_t n = strlen(r->why);
		snprintf(r->why + n, sizeof r->why - n, " (unreachable: gave up after %d attempts)", r->unreachable);
		return give_up(r, CT_ENET);
	}
	return retry(h, r, backoff(h, (r->unreachable + (int)h->o.nendpoints - 1) / (int)h->o.nendpoints,
	                           UNREACHABLE_BACKOFF_MAX));
}

/* 403, 404 and other 4xx: this endpoint will not give it; another one might. */
static outcome refused(ct_http *h, ct_http_req *r)
{
	r->refused |= 1u << r->mirror;
	for (size_t i = 0; i < h->o.nendpoints; i++)
		if (!(r->refused & (1u << i))) {
			r->mirror = (int)i;
			r->due = 0;
			return WAIT;
		}
	return give_up(r, CT_ENET);
}

/* A complete 200/206 (or a 416 to a resume, seen as an empty 206 at the offset). */
static outcome judge_body(ct_http *h, ct_http_req *r, CURL *e, long st)
{
	ct_code c = CT_OK;
	if (st == 416) {
		r->began = true;
		r->resp.status = 206;
		r->resp.offset = r->offset;
		c = r->sink->begin(r, &r->resp);
	} else if (!r->began) {
		c = begin_body(r, e); /* an empty body never reached on_body() */
	}
	if (c == CT_OK)
		c = r->sink->end(r, &r->resp);
	if (c == CT_OK) {
		r->done = true;
		r->why[0] = 0;
		return ENDED;
	}
	snprintf(r->why, sizeof r->why, "%s", ct_errmsg());
	return c == CT_EDATA ? retry(h, r, -1) : give_up(r, c);
}

static outcome finish(ct_http *h, ct_http_req *r, CURLcode res)
{
	CURL *e = r->easy;
	long st = 0;
	curl_off_t ra = -1;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &st);
	curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &ra);
	r->status = st;
	outcome out;
	if (!connection_error(res))
		r->unreachable = 0; /* only unbroken runs of them count */
	if (res == CURLE_RANGE_ERROR && st != 200)
		res = CURLE_OK; /* an error page (or a 416) to a resume: judged by its status below */
	if (res == CURLE_OK && (status_ok(st) || (st == 416 && r->offset > 0))) {
		out = judge_body(h, r, e, st);
	} else if (res == CURLE_RANGE_ERROR && r->offset > 0) {
		/* The server ignores Range (200 to a resume): the sink starts its partial over. */
		ct_http_resp whole = {.status = 200, .offset = 0, .total = CT_HTTP_UNKNOWN};
		snprintf(r->why, sizeof r->why, "the server ignores Range");
		out = r->sink->begin(r, &whole) ? give_up(r, CT_EIO) : retry(h, r, 0);
	} else if (res == CURLE_WRITE_ERROR && r->sink_code != CT_OK) {
		snprintf(r->why, sizeof r->why, "%s", ct_errmsg());
		out = r->sink_code == CT_EDATA ? retry(h, r, -1) : give_up(r, r->sink_code);
	} else if (res != CURLE_OK) {
		snprintf(r->why, sizeof r->why, "%s", curl_easy_strerror(res));
		if (connection_error(res))
			h->preferred = (r->mirror + 1) % (int)h->o.nendpoints;
		out = tls_or_setup_error(res) ? give_up(r, CT_ENET) : connection_error(res) ? unreachable(h, r)
		                                                                          : retry(h, r, -1);
	} else if (st == 408 || st == 429 || st >= 500) {
		snprintf(r->why, sizeof r->why, "HTTP %ld", st);
		out = retry(h, r, ra > 0 ? (double)ra : -1);
	} else {
		snprintf(r->why, sizeof r->why, "HTTP %ld", st);
		out = r->transient && r->transient(r, st) ? retry(h, r, ra > 0 ? (double)ra : -1) : refused(h, r);
	}
	if (!r->done)
		r->sink->abandon(r);
	curl_multi_remove_handle(h->multi, e);
	curl_slist_free_all(r->header_list);
	r->header_list = NULL;
	r->easy = NULL;
	easy_put(h, e);
	return out;
}

/* ---- a sink for small answers ---- */

static ct_code mem_prepare(ct_http_req *r, uint64_t *offset, char *if_range, size_t cap)
{
	(void)if_range, (void)cap;
	((ct_http_mem *)r->user)->len = 0;
	*offset = 0;
	return CT_OK;
}

static ct_code mem_begin(ct_http_req *r, const ct_http_resp *resp)
{
	(void)resp;
	((ct_http_mem *)r->user)->len = 0;
	return CT_OK;
}

static ct_code mem_body(ct_http_req *r, const void *buf, size_t len)
{
	ct_http_mem *m = r->user;
	if (m->len + len > m->max) {
		r->no_retry = true;
		return ct_fail(CT_EDATA, "answer larger than %zu bytes", m->max);
	}
	if (m->len + len + 1 > m->cap) {
		size_t cap = (m->len + len + 1) * 2;
		char *b = realloc(m->buf, cap);
		if (!b)
			return ct_fail(CT_ENOMEM, "out of memory");
		m->buf = b;
		m->cap = cap;
	}
	memcpy(m->buf + m->len, buf, len);
	m->len += len;
	m->buf[m->len] = 0;
	return CT_OK;
}

static ct_code mem_end(ct_http_req *r, const ct_http_resp *resp)
{
	(void)r, (void)resp;
	return CT_OK;
}

static void mem_abandon(ct_http_req *r)
{
	((ct_http_mem *)r->user)->len = 0;
}

const ct_http_sink ct_http_mem_sink = {mem_prepare, mem_begin, mem_body, mem_end, mem_abandon};

/* ---- the loop ---- */

static ct_http_req *next_ready(ct_http_req **waiting, size_t *nwait, double now)
{
	size_t best = *nwait;
	for (size_t i = 0; i < *nwait; i++)
		if (waiting[i]->due <= now && (best == *nwait || waiting[i]->due < waiting[best]->due))
			best = i;
	if (best == *nwait)
		return NULL;
	ct_http_req *r = waiting[best];
	waiting[best] = waiting[--*nwait];
	return r;
}

static long poll_ms(ct_http_req **waiting, size_t nwait, int active, double now)
{
	double t = TICK;
	for (size_t i = 0; i < nwait && active == 0; i++)
		if (waiting[i]->due - now < t)
			t = waiting[i]->due - now;
	return t <= 0 ? 0 : (long)(t * 1000) + 1;
}

ct_code ct_http_run(ct_http *h, ct_http_req *const *reqs, size_t n)
{
	ct_http_req **waiting = malloc((n ? n : 1) * sizeof *waiting);
	if (!waiting)
		return ct_fail(CT_ENOMEM, "http: out of memory");
	size_t next = 0, ended = 0, nwait = 0;
	int active = 0;
	ct_code worst = CT_OK;
	double last_tick = 0;
	for (size_t i = 0; i < n; i++) {
		reqs[i]->done = reqs[i]->no_retry = false;
		reqs[i]->retries = 0;
		reqs[i]->refused = 0;
		reqs[i]->status = 0;
		reqs[i]->unreachable = 0;
		reqs[i]->why[0] = 0;
	}
	while (ended < n) {
		double now = ct_now();
		while (active < h->o.jobs) {
			ct_http_req *r = next_ready(waiting, &nwait, now);
			if (!r && next < n) {
				r = reqs[next++];
				r->mirror = h->preferred;
			}
			if (!r)
				break;
			if (start(h, r) == CT_OK) {
				active++;
			} else {
				ended++;
				worst = worst ? worst : CT_EIO;
			}
		}
		int running;
		curl_multi_perform(h->multi, &running);
		CURLMsg *m;
		int left, freed = 0;
		while ((m = curl_multi_info_read(h->multi, &left))) {
			if (m->msg != CURLMSG_DONE)
				continue;
			ct_http_req *r;
			CURLcode res = m->data.result;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
			active--;
			freed++;
			if (finish(h, r, res) == WAIT) {
				waiting[nwait++] = r;
			} else {
				ended++;
				if (!r->done && !worst)
					worst = r->sink_code;
			}
		}
		if (h->o.tick && now - last_tick >= TICK) {
			h->o.tick(h->o.tick_user);
			last_tick = now;
		}
		/* A freed slot is filled at once; waiting on the sockets first would idle it. */
		if (ended < n && !(freed && (next < n || nwait)))
			curl_multi_poll(h->multi, NULL, 0, (int)poll_ms(waiting, nwait, active, now), NULL);
	}
	free(waiting);
	if (worst)
		return ct_fail(worst, "some requests failed");
	return CT_OK;
}
