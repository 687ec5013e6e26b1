/* fetch.c: see fetch.h. */
#include "fetch.h"

#include "fs.h"
#include "http.h"
#include "log.h"
#include "par.h"
#include "s3list.h"
#include "verified.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define VALIDATOR_XATTR "user.ct-fetch.etag" /* the ETag a partial was started from */
#define COMMIT_BATCH 256                      /* verified files renamed per syncfs */
#define COMMIT_AGE 1.0                        /* seconds a verified file may wait for its rename */
#define EARLY_WRITEBACK (128u << 10)          /* bytes from which a file is sent to disk at once */
#define LISTING_MAX (64u << 20)               /* bytes of one listing page we accept */
#define MiB (1024.0 * 1024.0)

typedef struct fetch fetch;

/* One object (or the one URL): its partial, its digest in progress, its verdict. */
typedef struct {
	ct_http_req req;
	fetch *f;
	const char *name;   /* file name (a refused key: the key) */
	const char *key;    /* listed key; NULL for a URL */
	char *final, *part;
	uint64_t size;      /* listed size; CT_HTTP_UNKNOWN for a URL */
	const char *etag;   /* listed ETag (unquoted), NULL for a URL */
	ct_digest_kind kind;
	const char *want;   /* expected hex digest of a URL */
	bool trust;         /* a URL with no digest to expect: taken as it arrives (size checked) */
	char got[CT_HEX_MAX]; /* a URL's digest, once verified (or trusted) */
	int fd;
	uint64_t have;      /* bytes in the partial */
	ct_digest d;
	bool hashing;       /* d holds the digest of the partial's first `hashed` bytes */
	uint64_t hashed;
	bool hash_at_end;   /* a git blob id whose size came too late */
	char goog[33];
	ct_vfile v;         /* once verified: name, size, md5, how, etag */
	bool verified, refused, pending;
	const char *why;    /* why it was refused */
} fobj;

struct fetch {
	const char *source, *dir;
	char *root;         /* "s3://BUCKET/": refused keys are named from there */
	int dirfd;
	ct_journal j;
	fobj *objs;
	size_t n, nverified, npresent, nfetched;
	fobj **pending;     /* verified, waiting for their rename */
	size_t npending;
	ct_par_queue *committer; /* the thread that syncs and renames (commit_batch) */
	double oldest, t0;
	ct_http *http;
	uint64_t listing_bytes; /* of the engine's byte count, what the listing took */
	ct_code commit_code; /* set by the committer; read once it has finished */
};

/* ---- helpers ---- */

static void drop_digest(fobj *o)
{
	if (o->hashing)
		ct_digest_free(&o->d);
	o->hashing = false;
	o->hashed = 0;
	o->hash_at_end = false;
}

/* Start the partial over: its bytes are wrong or belong to another version. */
static void discard_partial(fobj *o)
{
	if (o->fd >= 0 && ftruncate(o->fd, 0) == 0)
		lseek(o->fd, 0, SEEK_SET);
	else
		truncate(o->part, 0);
	o->have = 0;
	drop_digest(o);
}

/* Is md5 (hex, computed from the bytes) what the listing or the server promised?
 * Sets how; returns CT_OK, CT_EDATA (mismatch) or CT_ENET with o->req.no_retry (nothing to check). */
static ct_code judge_md5(fobj *o, const char *md5, const char *goog, char how[8])
{
	if (goog && *goog) {
		strcpy(how, "gcs-md5");
		return strcasecmp(md5, goog) ? ct_fail(CT_EDATA, "md5 %s, x-goog-hash says %s", md5, goog) : CT_OK;
	}
	switch (ct_s3_etag_kind(o->etag)) {
	case 1:
		strcpy(how, "etag");
		return strcasecmp(md5, o->etag) ? ct_fail(CT_EDATA, "md5 %s, ETag says %s", md5, o->etag) : CT_OK;
	case 2:
		strcpy(how, "size"); /* a multipart ETag is no digest of the bytes; the size matched */
		return CT_OK;
	default:
		o->req.no_retry = true;
		return ct_fail(CT_ENET, "no MD5 to check against (ETag \"%s\", no x-goog-hash md5)", o->etag);
	}
}

static void mark_verified(fobj *o, const char *md5, const char *how)
{
	o->v.name = (char *)o->name;
	o->v.size = o->have;
	o->v.etag = (char *)(o->etag ? o->etag : "");
	snprintf(o->v.md5, sizeof o->v.md5, "%.32s", md5);
	snprintf(o->v.how, sizeof o->v.how, "%s", how);
	o->verified = true;
}

/* ---- the sink: bytes of one object into its partial ---- */

static ct_code obj_prepare(ct_http_req *r, uint64_t *offset, char *if_range, size_t cap)
{
	fobj *o = r->user;
	o->fd = open(o->part, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (o->fd < 0)
		return ct_fail_errno(CT_EIO, "%s: cannot open", o->part);
	struct stat st;
	if (fstat(o->fd, &st))
		return ct_fail_errno(CT_EIO, "%s: cannot stat", o->part);
	o->have = (uint64_t)st.st_size;
	if (o->size != CT_HTTP_UNKNOWN && o->have >= o->size && o->have > 0)
		discard_partial(o); /* whole already, yet not accepted: its bytes were wrong */
	if (o->hashing && o->hashed != o->have)
		drop_digest(o);
	lseek(o->fd, (off_t)o->have, SEEK_SET);
	*offset = o->have;
	if (o->have > 0 && o->etag && *o->etag) {
		snprintf(if_range, cap, "\"%s\"", o->etag);
	} else if (o->have > 0) {
		ssize_t n = fgetxattr(o->fd, VALIDATOR_XATTR, if_range, cap - 1);
		if_range[n > 0 ? n : 0] = 0;
	}
	return CT_OK;
}

static ct_code start_digest(fobj *o, uint64_t total)
{
	if (o->hashing || o->hash_at_end)
		return CT_OK;
	if (o->kind == CT_GITBLOB && total == CT_HTTP_UNKNOWN) {
		o->hash_at_end = true; /* the blob header needs the size first */
		return CT_OK;
	}
	ct_code c = ct_digest_init(&o->d, o->kind, total);
	if (c)
		return c;
	o->hashing = true;
	if ((c = ct_digest_update_fd(&o->d, o->fd, 0, o->have, o->part)) != CT_OK) {
		drop_digest(o);
		return c;
	}
	o->hashed = o->have;
	return CT_OK;
}

static ct_code obj_begin(ct_http_req *r, const ct_http_resp *resp)
{
	fobj *o = r->user;
	if (resp->offset != o->have) {
		discard_partial(o);
		if (resp->offset != 0)
			return ct_fail(CT_EDATA, "server sent bytes from %" PRIu64 ", not where the partial ends", resp->offset);
		/* 200: the server ignored the range, or If-Range said the object changed. */
	}
	uint64_t total = resp->total;
	if (o->size != CT_HTTP_UNKNOWN && total != CT_HTTP_UNKNOWN && total != o->size) {
		o->req.no_retry = true; /* the object changed since it was listed: list again */
		return ct_fail(CT_EDATA, "server says %" PRIu64 " bytes, the listing %" PRIu64, total, o->size);
	}
	if (!o->etag && resp->status == 200 && resp->etag[0] && strncmp(resp->etag, "W/", 2))
		fsetxattr(o->fd, VALIDATOR_XATTR, resp->etag, strlen(resp->etag), 0); /* best effort */
	snprintf(o->goog, sizeof o->goog, "%s", resp->goog_md5);
	return start_digest(o, total != CT_HTTP_UNKNOWN ? total : o->size);
}

static ct_code obj_body(ct_http_req *r, const void *buf, size_t len)
{
	fobj *o = r->user;
	if (o->size != CT_HTTP_UNKNOWN && o->have + len > o->size) {
		discard_partial(o);
		return ct_fail(CT_EDATA, "more bytes than the listed %" PRIu64, o->size);
	}
	ct_code c = ct_write_all(o->fd, buf, len, o->part);
	if (c)
		return c;
	if (o->hashing) {
		ct_digest_update(&o->d, buf, len);
		o->hashed += len;
	}
	o->have += len;
	return CT_OK;
}

static ct_code final_digest(fobj *o, char hex[CT_HEX_MAX])
{
	if (o->hash_at_end)
		return ct_digest_file(o->part, o->kind, hex);
	if (!o->hashing)
		return ct_fail(CT_EDATA, "no digest was computed");
	ct_digest_final(&o->d, hex);
	o->hashing = false;
	o->hashed = 0;
	return CT_OK;
}

static void commit_later(fobj *o);
static ct_code commit_now(fobj *o);

static ct_code obj_end(ct_http_req *r, const ct_http_resp *resp)
{
	fobj *o = r->user;
	uint64_t want = o->size != CT_HTTP_UNKNOWN ? o->size : resp->total;
	if (want != CT_HTTP_UNKNOWN && o->have > want)
		discard_partial(o); /* a partial longer than the object: another version's bytes */
	if (want != CT_HTTP_UNKNOWN && o->have != want)
		return ct_fail(CT_EDATA, "got %" PRIu64 " of %" PRIu64 " bytes", o->have, want);
	char hex[CT_HEX_MAX], how[8] = "";
	ct_code c = final_digest(o, hex);
	if (c)
		return c;
	if (o->want)
		c = strcasecmp(hex, o->want) ? ct_fail(CT_EDATA, "%s %s, expected %s", ct_digest_kind_name(o->kind), hex, o->want) : CT_OK;
	else if (!o->trust)
		c = judge_md5(o, hex, o->goog, how);
	snprintf(o->got, sizeof o->got, "%s", hex);
	if (c == CT_EDATA)
		discard_partial(o);
	if (c)
		return c;
	mark_verified(o, hex, how);
	if (o->f)
		commit_later(o);
	else
		c = commit_now(o);
	return c;
}

static void obj_abandon(ct_http_req *r)
{
	fobj *o = r->user;
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
}

static const ct_http_sink obj_sink = {obj_prepare, obj_begin, obj_body, obj_end, obj_abandon};

/* ---- commits ---- */

/* One file, at once (a URL): fsync, rename, fsync the directory. */
static ct_code commit_now(fobj *o)
{
	ct_code c = CT_OK;
	if (fsync(o->fd))
		c = ct_fail_errno(CT_EIO, "%s: fsync failed", o->part);
	else if (rename(o->part, o->final))
		c = ct_fail_errno(CT_EIO, "%s: cannot rename to %s", o->part, o->final);
	obj_abandon(&o->req);
	if (c)
		return c;
	char *slash = strrchr(o->final, '/');
	if (!slash)
		return ct_fsync_dir(".");
	*slash = 0;
	c = ct_fsync_dir(*o->final ? o->final : "/");
	*slash = '/';
	return c;
}

/* Many files: one syncfs() makes all their bytes durable, then the renames and the journal.
 * On the committer's thread (ct_par_queue): the transfers go on while the disk catches up. */
static void commit_batch(void *ctx, void **items, size_t n)
{
	fetch *f = ctx;
	ct_code c = syncfs(f->dirfd) ? ct_fail_errno(CT_EIO, "%s: syncfs failed", f->dir) : CT_OK;
	ct_vfile *done = malloc(n * sizeof *done);
	if (!c && !done)
		c = ct_fail(CT_ENOMEM, "%s: out of memory", f->dir);
	size_t ndone = 0;
	for (size_t i = 0; i < n; i++) {
		fobj *o = items[i];
		o->pending = false;
		/* A file that cannot take its name fails alone (its verified partial stays for the
		 * next run); a failed syncfs fails the whole batch. */
		ct_code oc = c ? c : rename(o->part, o->final) ? ct_fail_errno(CT_EIO, "%s: cannot rename to %s", o->part, o->final) : CT_OK;
		if (oc) {
			o->verified = false;
			snprintf(o->req.why, sizeof o->req.why, "%s", ct_errmsg());
			o->req.done = false;
			continue;
		}
		done[ndone++] = o->v;
	}
	if (!c && ndone)
		c = ct_fsync_dir(f->dir);
	if (!c)
		c = ct_journal_append(&f->j, done, ndone);
	free(done);
	if (c && !f->commit_code)
		f->commit_code = c;
}

/* The verified files so far go to the committer. */
static void hand_over(fetch *f)
{
	if (!f->npending)
		return;
	if (ct_par_queue_put(f->committer, (void **)f->pending, f->npending))
		commit_batch(f, (void **)f->pending, f->npending); /* no memory to queue: at once */
	f->npending = 0;
}

static void commit_later(fobj *o)
{
	fetch *f = o->f;
	/* A large file's bytes start for the disk now (asynchronously): the commit's syncfs then
	 * waits for the last few files, not for all of them. Small files are left to the syncfs,
	 * which writes them together in fewer, larger requests. */
	if (o->have >= EARLY_WRITEBACK)
		sync_file_range(o->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	obj_abandon(&o->req); /* close: syncfs covers the bytes */
	if (!f->npending)
		f->oldest = ct_now();
	o->pending = true;
	f->pending[f->npending++] = o;
	f->nfetched++;
	if (f->npending >= COMMIT_BATCH)
		hand_over(f);
}

static void tick(void *user)
{
	fetch *f = user;
	if (f->npending && ct_now() - f->oldest >= COMMIT_AGE)
		hand_over(f);
	if (!ct_stderr_is_tty())
		return;
	ct_http_stats s = ct_http_get_stats(f->http);
	double t = ct_now() - f->t0;
	double mib = (s.bytes - f->listing_bytes) / MiB;
	ct_progress("%zu/%zu files, %.1f MiB, %.1f MiB/s, %u retries", f->npresent + f->nfetched, f->n,
	            mib, t > 0 ? mib / t : 0.0, s.retries);
}

static void summary(fetch *f, size_t failed)
{
	ct_progress_end();
	uint64_t bytes = 0;
	for (size_t i = 0; i < f->n; i++)
		bytes += f->objs[i].size != CT_HTTP_UNKNOWN ? f->objs[i].size : f->objs[i].have;
	ct_http_stats s = f->http ? ct_http_get_stats(f->http) : (ct_http_stats){0};
	ct_info("%s: %zu objects, %.1f MiB: %zu fetched (%.1f MiB), %zu already there, %zu failed; "
	        "%u retries; %.1f s", f->source, f->n, bytes / MiB, f->nfetched, (s.bytes - f->listing_bytes) / MiB,
	        f->npresent, failed, s.retries, ct_now() - f->t0);
}

/* ---- the listing ---- */

static ct_code list_all(fetch *f, const char *bucket, const char *prefix, ct_s3_listing *l)
{
	ct_http_mem m = {.max = LISTING_MAX};
	char *token = NULL, *path = NULL;
	ct_code c = CT_OK;
	for (int page = 1; !c; page++) {
		free(path);
		path = ct_s3list_path(bucket, prefix, token);
		if (!path) {
			c = ct_fail(CT_ENOMEM, "listing: out of memory");
			break;
		}
		char where[1100];
		snprintf(where, sizeof where, "%s (listing page %d)", f->source, page);
		ct_http_req req = {.name = where, .path = path, .sink = &ct_http_mem_sink, .user = &m}, *one = &req;
		if (ct_http_run(f->http, &one, 1)) {
			c = ct_fail(CT_ENET, "%s: %s", where, req.why);
			break;
		}
		if ((c = ct_s3list_parse(l, m.buf ? m.buf : "", m.len, where)) || !l->truncated)
			break;
		if (token && !strcmp(token, l->next_token)) {
			c = ct_fail(CT_EDATA, "%s: the same continuation token twice", where);
			break;
		}
		free(token);
		token = strdup(l->next_token);
	}
	free(path);
	free(token);
	free(m.buf);
	if (!c && l->n == 0)
		c = ct_fail(CT_EDATA, "%s: no object under this prefix", f->source);
	return c;
}

/* ---- what DIR already holds ---- */

static bool same_size(const char *path, uint64_t size)
{
	struct stat st;
	return !stat(path, &st) && S_ISREG(st.st_mode) && (uint64_t)st.st_size == size;
}

/* A file whose bytes hash to what the listing promised. */
static bool local_ok(fobj *o, const char *path, ct_vfile *v)
{
	char hex[CT_HEX_MAX], how[8];
	if (ct_s3_etag_kind(o->etag) == 0 || !same_size(path, o->size) || ct_digest_file(path, CT_MD5, hex))
		return false;
	if (judge_md5(o, hex, NULL, how))
		return false;
	o->have = o->size;
	mark_verified(o, hex, how);
	*v = o->v;
	return true;
}

/* Settle each object from what DIR holds; the rest will be fetched. */
static ct_code settle_local(fetch *f)
{
	ct_vfile *fresh = malloc((f->n ? f->n : 1) * sizeof *fresh);
	size_t nfresh = 0;
	if (!fresh)
		return ct_fail(CT_ENOMEM, "%s: out of memory", f->dir);
	for (size_t i = 0; i < f->n; i++) {
		fobj *o = &f->objs[i];
		const ct_vfile *j = o->refused ? NULL : ct_journal_find(&f->j, o->name);
		if (o->refused)
			continue;
		if (j && j->size == o->size && !strcmp(j->etag, o->etag) && same_size(o->final, o->size)) {
			o->have = o->size;
			mark_verified(o, j->md5, j->how);
			f->npresent++;
		} else if (local_ok(o, o->final, &fresh[nfresh])) {
			nfresh++;
			f->npresent++;
		} else if (local_ok(o, o->part, &fresh[nfresh])) {
			o->pending = true;
			f->pending[f->npending++] = o; /* renamed with the first commit */
			f->npresent++;
		} else if (same_size(o->part, o->size)) {
			truncate(o->part, 0); /* whole but wrong */
		}
	}
	ct_code c = ct_journal_append(&f->j, fresh, nfresh);
	free(fresh);
	return c;
}

/* ---- the whole prefix ---- */

static ct_code parse_source(const char *source, char **bucket, char **prefix, const char **scheme)
{
	if (!strncmp(source, "s3://", 5))
		*scheme = "https://s3.amazonaws.com";
	else if (!strncmp(source, "gs://", 5))
		*scheme = "https://storage.googleapis.com";
	else
		return ct_fail(CT_EUSAGE, "%s: not s3://BUCKET/PREFIX/ or gs://BUCKET/PREFIX/", source);
	const char *b = source + 5, *slash = strchr(b, '/');
	if (!slash || slash == b)
		return ct_fail(CT_EUSAGE, "%s: no bucket, or no '/' after it", source);
	*bucket = strndup(b, (size_t)(slash - b));
	const char *p = slash + 1;
	size_t pl = strlen(p);
	*prefix = malloc(pl + 2);
	if (!*bucket || !*prefix)
		return ct_fail(CT_ENOMEM, "out of memory");
	snprintf(*prefix, pl + 2, "%s%s", p, pl && p[pl - 1] != '/' ? "/" : "");
	return CT_OK;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const fobj *)a)->name, ((const fobj *)b)->name);
}

/* One fobj per listed object, sorted by name; bad keys and duplicates refused. */
static ct_code make_objects(fetch *f, const ct_s3_listing *l, const char *bucket, const char *prefix)
{
	f->objs = calloc(l->n, sizeof *f->objs);
	f->pending = calloc(l->n, sizeof *f->pending);
	if (!f->objs || !f->pending)
		return ct_fail(CT_ENOMEM, "%s: out of memory", f->source);
	f->n = l->n;
	for (size_t i = 0; i < l->n; i++) {
		fobj *o = &f->objs[i];
		const char *why;
		o->f = f;
		o->fd = -1;
		o->kind = CT_MD5;
		o->size = l->v[i].size;
		o->etag = l->v[i].etag;
		o->key = l->v[i].key;
		o->name = ct_s3_name_of(o->key, prefix, &why);
		if (o->name && !ct_path_is_safe(o->name))
			o->name = NULL, why = "not a safe relative path";
		if (!o->name) {
			o->name = o->key;
			o->refused = true;
			o->why = why;
		}
	}
	qsort(f->objs, f->n, sizeof *f->objs, by_name);
	for (size_t i = 0; i < f->n; i++) {
		fobj *o = &f->objs[i];
		if (i > 0 && !strcmp(o->name, f->objs[i - 1].name)) {
			o->refused = f->objs[i - 1].refused = true;
			o->why = f->objs[i - 1].why = "two keys give this name";
		}
		if (o->refused)
			continue; /* never fetched: its name never becomes a path */
		o->final = ct_path_join(f->dir, o->name);
		size_t n = strlen(o->name) + 6;
		o->part = malloc(strlen(f->dir) + n + 1);
		char *key_path = malloc(strlen(bucket) + strlen(prefix) + strlen(o->name) + 2);
		if (!o->final || !o->part || !key_path) {
			free(key_path);
			return ct_fail(CT_ENOMEM, "%s: out of memory", f->source);
		}
		sprintf(o->part, "%s/%s.part", f->dir, o->name);
		sprintf(key_path, "%s/%s%s", bucket, prefix, o->name);
		o->req.path = ct_url_escape(key_path, true);
		free(key_path);
		o->req.user = o;
		o->req.sink = &obj_sink;
		o->req.name = o->name;
		if (!o->req.path)
			return ct_fail(CT_ENOMEM, "%s: out of memory", f->source);
	}
	return CT_OK;
}

/* Fetch what settle_local() left; report each failure. Returns the number of failures. */
static size_t fetch_rest(fetch *f)
{
	ct_http_req **todo = malloc((f->n ? f->n : 1) * sizeof *todo);
	size_t ntodo = 0, failed = 0;
	if (!todo)
		return f->n;
	for (size_t i = 0; i < f->n; i++)
		if (!f->objs[i].refused && !f->objs[i].verified)
			todo[ntodo++] = &f->objs[i].req;
	ct_http_run(f->http, todo, ntodo);
	hand_over(f);
	ct_par_queue_finish(f->committer); /* every commit done */
	f->committer = NULL;
	free(todo);
	for (size_t i = 0; i < f->n; i++) {
		fobj *o = &f->objs[i];
		if (o->refused)
			ct_info("%s%s: refused: %s", f->root, o->key, o->why);
		else if (!o->verified)
			ct_info("%s%s: %s", f->source, o->name, o->req.why[0] ? o->req.why : "not verified");
		failed += !o->verified;
	}
	return failed;
}

static ct_code start_engine(fetch *f, const ct_fetch_opts *opts, const char *const *endpoints, size_t n)
{
	ct_http_opts ho = {
		.endpoints = endpoints, .nendpoints = n, .jobs = opts->jobs, .retries = opts->retries,
		.cacert = opts->cacert, .stall_seconds = opts->stall_seconds, .tick = tick, .tick_user = f,
	};
	f->t0 = ct_now();
	return ct_http_new(&f->http, &ho);
}

static void fetch_free(fetch *f)
{
	for (size_t i = 0; i < f->n; i++) {
		fobj *o = &f->objs[i];
		if (o->fd >= 0)
			close(o->fd);
		drop_digest(o);
		free(o->final);
		free(o->part);
		free((char *)o->req.path);
	}
	ct_par_queue_finish(f->committer);
	free(f->objs);
	free(f->pending);
	ct_http_free(f->http);
	ct_journal_close(&f->j);
	if (f->dirfd >= 0)
		close(f->dirfd);
}

static ct_code record_if_complete(fetch *f, size_t failed)
{
	if (failed)
		return ct_fail(CT_ENET, "%s: %zu of %zu objects failed", f->source, failed, f->n);
	ct_vfile *v = malloc(f->n * sizeof *v);
	if (!v)
		return ct_fail(CT_ENOMEM, "%s: out of memory", f->dir);
	for (size_t i = 0; i < f->n; i++)
		v[i] = f->objs[i].v;
	ct_code c = ct_verified_write(f->dir, f->source, v, f->n);
	free(v);
	return c;
}

static ct_code fetch_prefix(fetch *f, const ct_fetch_opts *opts, const char *bucket, const char *prefix,
                            const char *default_endpoint)
{
	const char *const *ep = opts->nendpoints ? opts->endpoints : &default_endpoint;
	ct_code c = start_engine(f, opts, ep, opts->nendpoints ? opts->nendpoints : 1);
	ct_s3_listing l = {0};
	if (!c) /* before DIR is touched: a failed listing writes nothing */
		c = list_all(f, bucket, prefix, &l);
	if (!c)
		f->listing_bytes = ct_http_get_stats(f->http).bytes;
	if (!c)
		c = ct_mkdir_p(f->dir, 0755);
	if (!c && (f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		c = ct_fail_errno(CT_EIO, "%s: cannot open directory", f->dir);
	if (!c)
		c = ct_journal_open(&f->j, f->dir);
	if (!c) /* the journal is our lock: what a killed run was writing is dead */
		c = ct_remove_temporaries(f->dir);
	if (!c)
		c = make_objects(f, &l, bucket, prefix);
	if (!c)
		c = settle_local(f);
	size_t failed = 0, todo = 0;
	for (size_t i = 0; !c && i < f->n; i++)
		todo += f->objs[i].refused || !f->objs[i].verified || f->objs[i].pending;
	if (!c && todo)
		c = ct_verified_remove(f->dir);
	if (!c)
		c = ct_par_queue_start(commit_batch, f, &f->committer);
	if (!c) {
		failed = fetch_rest(f);
		if (f->commit_code)
			c = f->commit_code;
		else
			c = record_if_complete(f, failed);
	}
	if (f->http)
		summary(f, c && !failed ? f->n : failed);
	ct_s3list_free(&l);
	return c;
}

ct_code ct_fetch_prefix(const ct_fetch_opts *opts, const char *source, const char *dir)
{
	char *bucket = NULL, *prefix = NULL;
	const char *def = NULL;
	fetch f = {.source = source, .dir = dir, .dirfd = -1};
	f.j.fd = -1;
	ct_code c = parse_source(source, &bucket, &prefix, &def);
	if (!c) {
		char *src = malloc(strlen(bucket) + strlen(prefix) + 8);
		if (!src)
			c = ct_fail(CT_ENOMEM, "out of memory");
		else {
			sprintf(src, "%.2s://%s/%s", source, bucket, prefix); /* with the '/' at the end */
			f.source = src;
			f.root = strndup(src, strlen(src) - strlen(prefix));
			c = f.root ? fetch_prefix(&f, opts, bucket, prefix, def) : ct_fail(CT_ENOMEM, "out of memory");
			free(f.root);
			free(src);
		}
	}
	fetch_free(&f);
	free(bucket);
	free(prefix);
	return c;
}

/* ---- one URL ---- */

ct_code ct_fetch_url(const ct_fetch_opts *opts, const char *url, ct_digest_kind kind,
                     const char *hex, const char *file, char got[CT_HEX_MAX])
{
	fetch f = {.source = file, .dir = NULL, .dirfd = -1};
	f.j.fd = -1;
	fobj o = {.name = url, .size = CT_HTTP_UNKNOWN, .kind = kind, .want = hex, .trust = !hex, .fd = -1};
	char have[CT_HEX_MAX];
	f.objs = &o;
	f.n = 1;
	struct stat st;
	/* FILE only ever has its name once whole: with no digest to expect, it is kept as it is. */
	if (!stat(file, &st) && !ct_digest_file(file, kind, have) && (!hex || !strcasecmp(have, hex))) {
		o.have = (uint64_t)st.st_size;
		f.npresent = 1;
		f.t0 = ct_now();
		summary(&f, 0);
		if (got)
			snprintf(got, CT_HEX_MAX, "%s", have);
		return CT_OK; /* already there and right: no request at all */
	}
	char *dir = strdup(file), *slash = dir ? strrchr(dir, '/') : NULL;
	if (slash && slash != dir)
		*slash = 0;
	ct_code c = !dir ? ct_fail(CT_ENOMEM, "out of memory") : slash ? ct_mkdir_p(dir, 0755) : CT_OK;
	free(dir);
	o.final = strdup(file);
	o.part = malloc(strlen(file) + 6);
	if (!c && (!o.final || !o.part))
		c = ct_fail(CT_ENOMEM, "out of memory");
	if (!c) {
		sprintf(o.part, "%s.part", file);
		o.req = (ct_http_req){.name = url, .path = "", .sink = &obj_sink, .user = &o};
		c = start_engine(&f, opts, &url, 1);
	}
	if (!c) {
		ct_http_req *one = &o.req;
		ct_http_run(f.http, &one, 1);
		if (o.verified) {
			f.nfetched = 1;
			if (got)
				snprintf(got, CT_HEX_MAX, "%s", o.got);
		} else
			c = ct_fail(CT_ENET, "%s: %s", url, o.req.why[0] ? o.req.why : "not verified");
		summary(&f, !o.verified);
	}
	obj_abandon(&o.req);
	drop_digest(&o);
	free(o.final);
	free(o.part);
	ct_http_free(f.http);
	return c;
}
