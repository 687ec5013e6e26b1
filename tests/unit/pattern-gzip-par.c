/* Unit tests: dicomsort's TARGET/PATTERN split and pattern safety checks (lib/pattern), the
 * multi-member parallel gzip (lib/gz: same bytes on any thread count, readable back), and
 * ct_par_for's deterministic choice of the failure it reports (lib/par). */
#include "gz.h"
#include "par.h"
#include "pattern.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

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
	free(in), free(one.buf), free(two.buf), free(back), free(single), free(small.buf);

	ct_code c = ct_par_for(100, 4, fail_some, NULL);
	CHECK(c == CT_EDATA && !strcmp(ct_errmsg(), "item 5 failed"), "the lowest failing index is reported");
	return tap_done();
}
