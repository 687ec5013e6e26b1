/* http.h: many GETs (and API calls) at once over libcurl's multi interface, each retried until it ends.
 *
 * An engine holds the endpoints (the first is preferred, the others are fallback mirrors), the
 * number of concurrent transfers and the retry policy. ct_http_run() takes an array of pointers to requests
 * and returns when every one has ended: done (its sink accepted the body) or failed (req->why).
 * Connections are reused across requests (one multi handle, a pool of easy handles), HTTP/2 is
 * used when a TLS server offers it, TLS is always verified (custom CA file: opts.cacert).
 *
 * The body of a request goes to its sink, a small set of callbacks: prepare() says where the
 * attempt resumes (Range) and with what If-Range validator; begin() sees the response headers
 * (200 = from byte 0, the server ignored or refused the range; 206 = from resp->offset);
 * body() takes bytes as they arrive; end() judges the complete body. A 416 answer to a resumed
 * request reaches the sink as an empty 206 at the resume offset (the partial may be whole); a
 * server that ignores Range makes begin() see a 200 (start over) and the request is retried.
 *
 * Retried, with exponential backoff and jitter (or the server's Retry-After): resets, timeouts,
 * stalls (less than 1 byte/s for opts.stall_seconds), truncated bodies, HTTP 408, 429 and 5xx,
 * and a sink returning CT_EDATA (e.g. a digest mismatch; the sink then sets up the next attempt
 * itself). A refused connection or a failed name lookup is retried only 4 times an endpoint in a
 * row, at most 1 s apart: a host that stays unreachable fails the request within a few seconds.
 * After a connection-level failure the next attempt goes to the next endpoint. HTTP 403/404 and
 * other 4xx end the request at once unless another endpoint has not been asked yet (unless
 * req->transient says such an answer is worth retrying, as APIs say of their rate limits). TLS
 * verification failures are not retried.
 *
 * For APIs a request may carry extra header lines (credentials: never logged), a POST body, and a
 * buffer that receives the body of an error answer (4xx/5xx), which APIs fill with their reasons.
 * ct_http_mem_sink collects a small answer in memory.
 */
#ifndef CT_HTTP_H
#define CT_HTTP_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CT_HTTP_UNKNOWN UINT64_MAX

typedef struct {
	long status;      /* 200 or 206 */
	uint64_t offset;  /* where this body starts in the object */
	uint64_t total;   /* size of the whole object, CT_HTTP_UNKNOWN when not said */
	char etag[256];   /* as sent (quotes and all), "" if none */
	char goog_md5[33]; /* hex MD5 from GCS's x-goog-hash, "" if none */
} ct_http_resp;

typedef struct ct_http_req ct_http_req;

typedef struct {
	/* Before each attempt: the resume offset (0 = whole object) and an If-Range value ("" for
	 * none, at most cap bytes). An error ends the request. */
	ct_code (*prepare)(ct_http_req *r, uint64_t *offset, char *if_range, size_t cap);
	ct_code (*begin)(ct_http_req *r, const ct_http_resp *resp);
	ct_code (*body)(ct_http_req *r, const void *buf, size_t len);
	/* CT_OK: done. CT_EDATA: retry (unless r->no_retry). Anything else: failed. */
	ct_code (*end)(ct_http_req *r, const ct_http_resp *resp);
	/* The attempt failed after prepare(): release what it holds, keep what can be resumed. */
	void (*abandon)(ct_http_req *r);
} ct_http_sink;

struct ct_http_req {
	const char *name;          /* what messages call it, e.g. s3://bucket/key */
	const char *path;          /* appended to the endpoint after a '/', already escaped; "" = the endpoint itself */
	const ct_http_sink *sink;
	void *user;
	/* Results. */
	bool done;                 /* the sink accepted the body */
	bool no_retry;             /* a sink sets it to make its failure final */
	int retries;               /* attempts beyond the first */
	char why[320];             /* why it failed ("HTTP 404", "md5 ... expected ...") */
	long status;               /* HTTP status of the last answer, 0 when none came */
	/* Optional, for API calls (NULL/0: a plain GET). */
	const char *const *headers; /* extra request header lines, NULL-terminated ("Authorization: ...") */
	const char *post;          /* POST these post_len bytes instead of a GET (the sink must not resume) */
	size_t post_len;
	char *error_page;          /* the body of the last 4xx/5xx answer goes here, NUL-terminated, cut */
	size_t error_cap;          /* at error_cap - 1 bytes; "" before any such answer */
	/* A 4xx answer other than 408/429 is final unless this returns true (the error page is
	 * filled by then): then it is retried like a 5xx. */
	bool (*transient)(const ct_http_req *r, long status);
	/* Engine-private. */
	size_t error_len;
	int mirror;                /* endpoint of the current attempt */
	unsigned refused;          /* endpoints that answered 403/404/4xx (bit per endpoint) */
	int unreachable;           /* connection refusals and failed lookups in a row */
	double due;                /* monotonic time before which it must not start again */
	bool began;
	ct_http_resp resp;
	ct_code sink_code;
	uint64_t offset;
	void *easy;
	void *header_list;
	struct ct_http *engine;
};

typedef struct {
	const char *const *endpoints; /* at least one; no trailing '/' needed */
	size_t nendpoints;            /* at most 16 */
	int jobs;                     /* concurrent transfers */
	int retries;                  /* retries per request beyond the first attempt */
	const char *cacert;           /* CA bundle file, NULL = the system's (or $CURL_CA_BUNDLE) */
	long stall_seconds;           /* a transfer slower than 1 byte/s this long is retried */
	void (*tick)(void *user);     /* called every ~0.2 s while running (progress, commits) */
	void *tick_user;
} ct_http_opts;

typedef struct {
	uint64_t bytes;     /* body bytes received for accepted responses */
	unsigned retries;   /* retries over all requests */
	unsigned requests;  /* attempts sent */
} ct_http_stats;

typedef struct ct_http ct_http;

ct_code ct_http_new(ct_http **h, const ct_http_opts *opts);
void ct_http_free(ct_http *h);
/* Run every request to its end. CT_OK when all are done; otherwise the code of a failure (each
 * failed request has done == false and why set). */
ct_code ct_http_run(ct_http *h, ct_http_req *const *reqs, size_t n);
ct_http_stats ct_http_get_stats(const ct_http *h);

/* A sink collecting a whole answer in memory (req->user points at it). An answer longer than max
 * bytes fails without a retry. buf is NUL-terminated once anything arrived (NULL before);
 * the caller frees it. */
typedef struct {
	char *buf;
	size_t len, cap, max;
} ct_http_mem;
extern const ct_http_sink ct_http_mem_sink;

/* %-escape everything but unreserved characters (and '/' when keep_slash). malloc'd. */
char *ct_url_escape(const char *s, bool keep_slash);

#endif
