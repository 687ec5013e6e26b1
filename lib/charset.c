/* charset.c: see charset.h. */
#include "charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

/* A character set: the number in its defined terms ("ISO_IR 100", "ISO 2022 IR 100"), or the
 * whole term for the three without code extensions; its iconv name; its escape sequence; and
 * whether iconv reads the escapes itself (ISO-2022-JP does, single-byte sets do not). */
typedef struct {
	const char *code, *term, *iconv, *esc;
	int iconv_reads_esc;
} charset;

static const charset sets[] = {
	{"6", NULL, "ISO-8859-1", "\x1b(B", 0}, /* the default repertoire, read as pydicom reads it */
	{"100", NULL, "ISO-8859-1", "\x1b-A", 0},
	{"101", NULL, "ISO-8859-2", "\x1b-B", 0},
	{"109", NULL, "ISO-8859-3", "\x1b-C", 0},
	{"110", NULL, "ISO-8859-4", "\x1b-D", 0},
	{"144", NULL, "ISO-8859-5", "\x1b-L", 0},
	{"127", NULL, "ISO-8859-6", "\x1b-G", 0},
	{"126", NULL, "ISO-8859-7", "\x1b-F", 0},
	{"138", NULL, "ISO-8859-8", "\x1b-H", 0},
	{"148", NULL, "ISO-8859-9", "\x1b-M", 0},
	{"203", NULL, "ISO-8859-15", "\x1b-b", 0},
	{"166", NULL, "TIS-620", "\x1b-T", 0},
	{"13", NULL, "CP932", "\x1b)I", 0}, /* as Python's shift_jis: 0x5C is '\\', not the yen sign */
	{"13", NULL, "CP932", "\x1b(J", 0},
	{"87", NULL, "ISO-2022-JP", "\x1b$B", 1},
	{"159", NULL, "ISO-2022-JP-2", "\x1b$(D", 1},
	{"149", NULL, "EUC-KR", "\x1b$)C", 0},
	{"58", NULL, "GB2312", "\x1b$)A", 0},
	{NULL, "ISO_IR 192", "UTF-8", NULL, 0},
	{NULL, "GB18030", "GB18030", NULL, 0},
	{NULL, "GBK", "GBK", NULL, 0},
};
#define NSETS (sizeof sets / sizeof *sets)
#define MAX_TERMS 8

typedef struct {
	char *buf;
	size_t len, cap;
	int oom;
} out;

static void put(out *o, const char *s, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = 2 * (o->len + n + 1);
		char *b = realloc(o->buf, cap);
		if (!b) {
			o->oom = 1;
			return;
		}
		o->buf = b, o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = 0;
}

/* The set a defined term names, or NULL (unknown). An empty term is the default repertoire. */
static const charset *set_of_term(const char *t, size_t n)
{
	if (n == 0)
		return &sets[0];
	for (size_t i = 0; i < NSETS; i++) {
		const charset *c = &sets[i];
		if (c->term) {
			if (strlen(c->term) == n && !memcmp(t, c->term, n))
				return c;
			continue;
		}
		size_t k = strlen(c->code);
		if ((n == 7 + k && !memcmp(t, "ISO_IR ", 7) && !memcmp(t + 7, c->code, k)) ||
		    (n == 12 + k && !memcmp(t, "ISO 2022 IR ", 12) && !memcmp(t + 12, c->code, k)))
			return c;
	}
	return NULL;
}

/* The declared sets, in order; *count of them (at least one: the first may be NULL, unknown). */
static void parse_terms(const char *terms, const charset **set, size_t *count)
{
	*count = 0;
	const char *t = terms ? terms : "";
	do {
		const char *end = strchr(t, '\\');
		size_t n = end ? (size_t)(end - t) : strlen(t);
		while (n && t[n - 1] == ' ')
			n--;
		while (n && *t == ' ')
			t++, n--;
		set[(*count)++] = set_of_term(t, n);
		t = end ? end + 1 : NULL;
	} while (t && *count < MAX_TERMS);
}

/* Bytes that cannot be decoded: ASCII kept (a control character too, as it is), the rest '_'. */
static void put_unknown(out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(o, (unsigned char)s[i] < 0x80 && s[i] != 0x1b ? &s[i] : "_", 1);
}

/* s[0..n) from encoding enc to UTF-8; a byte iconv refuses becomes '_' and decoding goes on. */
static void put_decoded(out *o, const charset *set, const char *s, size_t n)
{
	iconv_t cd = set ? iconv_open("UTF-8", set->iconv) : (iconv_t)-1;
	if (cd == (iconv_t)-1) {
		put_unknown(o, s, n);
		return;
	}
	char *in = (char *)s, buf[512];
	size_t left = n;
	while (left > 0) {
		char *w = buf;
		size_t room = sizeof buf;
		size_t r = iconv(cd, &in, &left, &w, &room);
		put(o, buf, sizeof buf - room);
		if (r == (size_t)-1 && errno != E2BIG) { /* EILSEQ, EINVAL: one bad byte */
			put(o, "_", 1);
			in++, left--;
		}
	}
	char *w = buf;
	size_t room = sizeof buf;
	iconv(cd, NULL, NULL, &w, &room); /* back to the initial shift state */
	put(o, buf, sizeof buf - room);
	iconv_close(cd);
}

static const charset *declared_escape(const charset *const *set, size_t count, const char *s, size_t n)
{
	size_t k = n >= 3 && s[1] == '$' && (s[2] == '(' || s[2] == ')') ? 4 : 3;
	for (size_t i = 0; i < NSETS; i++) {
		const charset *c = &sets[i];
		if (!c->esc || strlen(c->esc) != k || n < k || memcmp(s, c->esc, k))
			continue;
		if (c == &sets[0])
			return c; /* back to ASCII is always allowed */
		for (size_t j = 0; j < count; j++)
			if (set[j] && set[j]->iconv == c->iconv)
				return c;
	}
	return NULL;
}

/* One fragment that starts with an escape sequence. */
static void put_escaped(out *o, const charset *const *set, size_t count, const char *s, size_t n,
                        const char *delims)
{
	const charset *c = declared_escape(set, count, s, n);
	if (!c) { /* text in a set nobody declared: no byte of it can be trusted */
		for (size_t i = 0; i < n; i++)
			put(o, "_", 1);
		return;
	}
	if (c->iconv_reads_esc) {
		put_decoded(o, c, s, n);
		return;
	}
	size_t k = strlen(c->esc), stop = k;
	while (stop < n && !(s[stop] && strchr(delims, s[stop])))
		stop++;
	put_decoded(o, c, s + k, stop - k);
	put_decoded(o, set[0], s + stop, n - stop); /* a delimiter returns to the first set */
}

/* One value (or PN group): the text before the first escape in the first set, then each part
 * from an escape sequence to the next in the set that escape names. */
static void put_value(out *o, const charset *const *set, size_t count, const char *s, size_t n, const char *delims)
{
	const char *esc = memchr(s, 0x1b, n);
	size_t head = esc ? (size_t)(esc - s) : n;
	put_decoded(o, set[0], s, head);
	while (head < n) {
		const char *next = memchr(s + head + 1, 0x1b, n - head - 1);
		size_t end = next ? (size_t)(next - s) : n;
		put_escaped(o, set, count, s + head, end - head, delims);
		head = end;
	}
}

static int takes_charset(const char *vr)
{
	static const char *const text[] = {"SH", "LO", "ST", "LT", "UC", "UT", "PN", NULL};
	for (int i = 0; text[i]; i++)
		if (!strcmp(vr, text[i]))
			return 1;
	return 0;
}

char *ct_charset_to_utf8(const char *terms, const char *vr, const char *value, size_t n)
{
	out o = {0};
	put(&o, "", 0);
	size_t ascii = 0;
	while (ascii < n && (unsigned char)value[ascii] < 0x80 && value[ascii] != 0x1b)
		ascii++;
	if (ascii == n) { /* the common case: every set reads ASCII as ASCII */
		put(&o, value, n);
		return o.oom ? (free(o.buf), NULL) : o.buf;
	}
	const charset *set[MAX_TERMS];
	size_t count;
	parse_terms(terms, set, &count);
	if (!takes_charset(vr ? vr : "")) {
		put_decoded(&o, &sets[0], value, n);
		return o.oom ? (free(o.buf), NULL) : o.buf;
	}
	int pn = !strcmp(vr, "PN");
	const char *seps = pn ? "\\=" : "\\", *delims = pn ? "^" : "\r\n\t\f";
	for (size_t at = 0; at <= n;) {
		size_t len = 0;
		while (at + len < n && !(value[at + len] && strchr(seps, value[at + len])))
			len++;
		put_value(&o, set, count, value + at, len, delims);
		if (at + len < n)
			put(&o, value + at + len, 1); /* the separator itself */
		at += len + 1;
	}
	return o.oom ? (free(o.buf), NULL) : o.buf;
}
