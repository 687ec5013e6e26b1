/* Unit tests: dicomsort's TARGET/PATTERN split and pattern safety checks (lib/pattern); the
 * multi-member parallel gzip (lib/gz: same bytes on any thread count, readable back, the same
 * stream fed piece by piece in any order); and lib/par: ct_par_queue (in order, on its own
 * thread), ct_par_for's deterministic choice of the failure it reports, and ct_par_flow's
 * promise that a use starts only after its makes. */
#include "gz.h"
#include "par.h"
#include "pattern.h"
#include "tap.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* (pure: safe inside CHECK) */
static int split_is(const char *arg, const char *target, const char *pattern)
{
	char *t, *p;
	if (ct_pattern_split(arg, &t, &p))
		return 0;
	int same = !strcmp(t, target) && !strcmp(p, pattern);
	free(t);
	free(p);
	return same;
}

static int parses(const char *pattern, const char *keep)
{
	ct_pattern *p;
	ct_code c = ct_pattern_parse(pattern, keep, &p);
	ct_pattern_free(p);
	return c == CT_OK;
}

typedef struct {
	unsigned char *buf;
	size_t len;
} sink_buf;

static ct_code collect(void *ctx, const void *buf, size_t len)
{
	sink_buf *s = ctx;
	s->buf = realloc(s->buf, s->len + len);
	memcpy(s->buf + s->len, buf, len);
	s->len += len;
	return CT_OK;
}

static ct_code fail_some(void *ctx, size_t i)
{
	(void)ctx;
	return i == 7 || i == 5 ? ct_fail(CT_EDATA, "item %zu failed", i) : CT_OK;
}

static ct_code refuse(void *ctx, const void *buf, size_t len)
{
	(void)ctx, (void)buf, (void)len;
	return ct_fail(CT_EIO, "disk full");
}

/* 64 makes, 8 uses, use k needing makes 0..8k+7: each use checks they are all done. */
typedef struct {
	atomic_int made[64];
	atomic_int uses, early;
	size_t need[8];
	long fail_make, fail_use; /* -1: none */
} flow_test;

static ct_code make(void *ctx, size_t i)
{
	flow_test *f = ctx;
	usleep((useconds_t)(i % 3) * 200); /* uneven, so makes finish out of order */
	atomic_store(&f->made[i], 1);
	int fails = f->fail_make >= 0 && ((long)i == f->fail_make || (long)i == f->fail_make + 7);
	return fails ? ct_fail(CT_EDATA, "make %zu failed", i) : CT_OK;
}

static ct_code use(void *ctx, size_t k)
{
	flow_test *f = ctx;
	for (size_t i = 0; i < f->need[k]; i++)
		if (!atomic_load(&f->made[i]))
			atomic_fetch_add(&f->early, 1);
	atomic_fetch_add(&f->uses, 1);
	return (long)k == f->fail_use ? ct_fail(CT_EIO, "use %zu failed", k) : CT_OK;
}

/* ct_par_queue: what arrives, in which order, on which thread. */
typedef struct {
	size_t got[1000], n, batches;
	pthread_t caller;
	int elsewhere;
} queue_test;

static void take_batch(void *ctx, void **items, size_t n)
{
	queue_test *q = ctx;
	usleep(300); /* slow, like a syncfs: later puts pile up into one batch */
	for (size_t i = 0; i < n; i++)
		q->got[q->n++] = (size_t)(uintptr_t)items[i];
	q->batches++;
	q->elsewhere += !pthread_equal(pthread_self(), q->caller);
}

static flow_test *flow_new(long fail_make, long fail_use)
{
	flow_test *f = calloc(1, sizeof *f);
	for (size_t k = 0; k < 8; k++)
		f->need[k] = 8 * k + 8;
	f->fail_make = fail_make;
	f->fail_use = fail_use;
	return f;
}

static int made_all(flow_test *f)
{
	int n = 0;
	for (int i = 0; i < 64; i++)
		n += atomic_load(&f->made[i]);
	return n == 64;
}

int main(void)
{
	CHECK(split_is("out", "out", CT_PATTERN_DEFAULT), "no '%%': the whole argument is the target, default pattern");
	CHECK(split_is("out/", "out", CT_PATTERN_DEFAULT), "a trailing slash is dropped");
	CHECK(split_is("a/b/%PatientID/x-%InstanceNumber.dcm", "a/b", "%PatientID/x-%InstanceNumber.dcm"),
	      "the pattern starts at the component holding the first '%%'");
	CHECK(split_is("a/pre%PatientID/x", "a", "pre%PatientID/x"), "...even mid-component");
	CHECK(split_is("%PatientID/x", ".", "%PatientID/x"), "no directory before it: the current one");
	CHECK(split_is("/%PatientID", "/", "%PatientID"), "the root as target");

	CHECK(parses(CT_PATTERN_DEFAULT, NULL), "dicomsort's default pattern parses");
	CHECK(!parses("%PatientID/../x", NULL), "'..' in the pattern is refused");
	CHECK(!parses("%PatientID//x", NULL), "an empty component is refused");
	CHECK(!parses("./%PatientID", NULL), "a '.' component is refused");
	CHECK(!parses("%PatientID", "./"), "'/' among the kept characters is refused");
	/* CHECK evaluates its condition twice: every call with an effect happens before it. */
	ct_pattern *p;
	ct_code pc = ct_pattern_parse("%PatientID/%NoSuchKeyword", NULL, &p);
	CHECK(pc == CT_OK && !strcmp(ct_pattern_unknown(p), "NoSuchKeyword"), "an unknown keyword is named");
	ct_pattern_free(p);

	size_t len = 9u << 20;
	unsigned char *in = malloc(len);
	for (size_t i = 0; i < len; i++)
		in[i] = (unsigned char)((i * 2654435761u) >> 13 & (i % 7 ? 0x0f : 0xff));
	sink_buf one = {0}, two = {0};
	ct_code c1 = ct_gzip_pieces(in, len, 1, 1, collect, &one);
	ct_code c2 = ct_gzip_pieces(in, len, 1, 2, collect, &two);
	CHECK(c1 == CT_OK && c2 == CT_OK, "9 MiB compressed on 1 and on 2 threads");
	CHECK(one.len == two.len && !memcmp(one.buf, two.buf, one.len), "the same bytes either way");
	void *back = NULL;
	size_t backlen = 0;
	ct_code gc = ct_gunzip(one.buf, one.len, &back, &backlen);
	CHECK(gc == CT_OK && backlen == len && !memcmp(back, in, len), "all three members read back to the input");
	void *single;
	size_t singlelen;
	sink_buf small = {0};
	ct_code s1 = ct_gzip(in, 1000, 1, &single, &singlelen);
	ct_code s2 = ct_gzip_pieces(in, 1000, 1, 2, collect, &small);
	CHECK(s1 == CT_OK && s2 == CT_OK && small.len == singlelen && !memcmp(small.buf, single, singlelen),
	      "one piece: exactly ct_gzip's bytes");

	/* Fed by hand, last piece first: the sink still gets them in order, the same bytes. */
	sink_buf by_hand = {0};
	ct_gzip_stream *gs;
	ct_code nc = ct_gzip_stream_new(in, len, 1, collect, &by_hand, &gs);
	CHECK(nc == CT_OK && ct_gzip_stream_pieces(gs) == 3, "a 9 MiB stream has three pieces");
	ct_code p2 = ct_gzip_stream_piece(gs, 2);
	CHECK(p2 == CT_OK && by_hand.len == 0, "the last piece first: held back, nothing written");
	ct_code p01 = ct_gzip_stream_piece(gs, 0) | ct_gzip_stream_piece(gs, 1);
	CHECK(p01 == CT_OK && ct_gzip_stream_complete(gs), "then the first two: all three went to the sink");
	CHECK(by_hand.len == one.len && !memcmp(by_hand.buf, one.buf, one.len), "the same bytes as in one go");
	ct_gzip_stream_free(gs);
	ct_code rc = ct_gzip_stream_new(in, len, 1, refuse, NULL, &gs);
	ct_code r0 = ct_gzip_stream_piece(gs, 0), r1 = ct_gzip_stream_piece(gs, 1);
	CHECK(rc == CT_OK && r0 == CT_EIO && !strcmp(ct_errmsg(), "disk full") && r1 == CT_OK &&
	      !ct_gzip_stream_complete(gs), "a failing sink: its error once, then nothing, never complete");
	ct_gzip_stream_free(gs);
	free(in), free(one.buf), free(two.buf), free(back), free(single), free(small.buf), free(by_hand.buf);

	queue_test qt = {.caller = pthread_self()};
	ct_par_queue *q;
	ct_code qc = ct_par_queue_start(take_batch, &qt, &q);
	for (size_t i = 0; !qc && i < 1000; i += 10) {
		void *ten[10];
		for (size_t k = 0; k < 10; k++)
			ten[k] = (void *)(uintptr_t)(i + k);
		qc = ct_par_queue_put(q, ten, 10);
	}
	ct_par_queue_finish(q);
	int in_order = qt.n == 1000;
	for (size_t i = 0; in_order && i < 1000; i++)
		in_order = qt.got[i] == i;
	CHECK(qc == CT_OK && in_order, "queue: all 1,000 items arrived, in the order put, before finish returned");
	CHECK(qt.elsewhere == (int)qt.batches && qt.batches < 100, "queue: on its own thread, in fewer batches than puts (%zu)", qt.batches);

	flow_test *f = flow_new(-1, -1);
	ct_code fc = ct_par_flow(64, 8, f->need, 4, make, use, f);
	CHECK(fc == CT_OK && made_all(f) && atomic_load(&f->uses) == 8, "flow: every make and every use ran");
	CHECK(atomic_load(&f->early) == 0, "flow: no use started before the makes it needs");
	free(f);
	f = flow_new(10, -1);
	fc = ct_par_flow(64, 8, f->need, 4, make, use, f);
	CHECK(fc == CT_EDATA && !strcmp(ct_errmsg(), "make 10 failed") && atomic_load(&f->uses) <= 1,
	      "flow: the lowest failing make is reported, the uses needing it never run");
	free(f);
	f = flow_new(-1, 3);
	fc = ct_par_flow(64, 8, f->need, 2, make, use, f);
	CHECK(fc == CT_EIO && !strcmp(ct_errmsg(), "use 3 failed"), "flow: a failing use is reported");
	free(f);
	f = flow_new(-1, -1);
	f->need[5] = 2;
	fc = ct_par_flow(64, 8, f->need, 2, make, use, f);
	CHECK(fc == CT_EUSAGE && atomic_load(&f->uses) == 0, "flow: needs out of order are refused before any work");
	free(f);

	ct_code c = ct_par_for(100, 4, fail_some, NULL);
	CHECK(c == CT_EDATA && !strcmp(ct_errmsg(), "item 5 failed"), "the lowest failing index is reported");
	return tap_done();
}
