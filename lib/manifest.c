/* manifest.c: see manifest.h. */
#include "manifest.h"
#include "csvrows.h"
#include "digest.h"
#include "fs.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int is_uuid(const char *s, size_t n)
{
	if (n != 36)
		return 0;
	for (size_t i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !(isdigit((unsigned char)s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

static int is_bucket(const char *s, size_t n)
{
	if (n < 3 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' || s[i] == '.' || s[i] == '_'))
			return 0;
	return 1;
}

/* Parse the URL in text (a cp line, a bare URL or a CSV cell) into s. */
static ct_code parse_url(const char *name, long line, const char *text, ct_scan *s)
{
	const char *u = strstr(text, "s3://");
	const char *g = strstr(text, "gs://");
	if (!u || (g && g < u))
		u = g;
	if (!u)
		return ct_fail(CT_EDATA, "%s:%ld: no s3:// or gs:// URL on this line", name, line);
	memcpy(s->scheme, u, 2);
	s->scheme[2] = 0;
	const char *b = u + 5, *slash = strchr(b, '/');
	if (!slash || !is_bucket(b, (size_t)(slash - b)))
		return ct_fail(CT_EDATA, "%s:%ld: no bucket name in the URL", name, line);
	const char *id = slash + 1;
	size_t n = strcspn(id, "/* \t\r");
	if (!is_uuid(id, n))
		return ct_fail(CT_EDATA, "%s:%ld: '%.*s' after the bucket is not a series UUID", name, line,
		               (int)(n > 60 ? 60 : n), id);
	const char *rest = id + n;
	if (*rest && *rest != '/' && !isspace((unsigned char)*rest))
		return ct_fail(CT_EDATA, "%s:%ld: unexpected text after the series UUID", name, line);
	memcpy(s->uuid, id, 36);
	s->uuid[36] = 0;
	s->bucket = strndup(b, (size_t)(slash - b));
	return s->bucket ? CT_OK : ct_fail(CT_ENOMEM, "out of memory");
}

static void scan_free(ct_scan *s)
{
	free(s->bucket);
	free(s->collection);
	free(s->patient);
	free(s->series_uid);
}

static ct_code push(ct_manifest *m, ct_scan *s)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		ct_scan *a = realloc(m->scan, cap * sizeof *a);
		if (!a) {
			scan_free(s);
			return ct_fail(CT_ENOMEM, "out of memory");
		}
		m->scan = a;
		m->cap = cap;
	}
	m->scan[m->n++] = *s;
	return CT_OK;
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

/* One series from a URL-bearing text and optional CSV cells. */
static ct_code add_line(const char *name, ct_manifest *m, long line, const char *text,
                        const char *coll, const char *patient, const char *series)
{
	ct_scan s = {.line = line};
	ct_code c = parse_url(name, line, text, &s);
	if (c)
		return c;
	s.collection = dup_or_empty(coll);
	s.patient = dup_or_empty(patient);
	s.series_uid = dup_or_empty(series);
	if (!s.collection || !s.patient || !s.series_uid) {
		scan_free(&s);
		return ct_fail(CT_ENOMEM, "out of memory");
	}
	return push(m, &s);
}

/* Plain manifests: one URL-bearing line each. */
static ct_code read_lines(const char *name, char *buf, ct_manifest *m)
{
	long line = 0;
	for (char *s = buf, *next; s; s = next) {
		line++;
		next = strchr(s, '\n');
		if (next)
			*next++ = 0;
		size_t n = strlen(s);
		if (n && s[n - 1] == '\r')
			s[--n] = 0;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			continue;
		ct_code c = add_line(name, m, line, s, NULL, NULL, NULL);
		if (c)
			return c;
	}
	return CT_OK;
}

typedef struct {
	const char *name;
	ct_manifest *m;
	int url, coll, patient, series; /* column indexes, -1 if absent */
	int have_header;
} csv_state;

static const char *cell(const ct_csv_row *r, int col)
{
	return col >= 0 && (size_t)col < r->n ? r->field[col] : NULL;
}

static ct_code on_csv_row(const ct_csv_row *r, void *arg)
{
	csv_state *st = arg;
	if (r->field[0][0] == '#')
		return CT_OK;
	if (!st->have_header) {
		st->have_header = 1;
		st->url = ct_csv_column(r, "cp_command");
		if (st->url < 0)
			st->url = ct_csv_column(r, "series_aws_url");
		st->coll = ct_csv_column(r, "collection_id");
		st->patient = ct_csv_column(r, "PatientID");
		st->series = ct_csv_column(r, "SeriesInstanceUID");
		if (st->url < 0)
			return ct_fail(CT_EDATA, "%s:%ld: the CSV header names neither cp_command nor series_aws_url",
			               st->name, r->line);
		return CT_OK;
	}
	const char *url = cell(r, st->url);
	if (!url || !*url)
		return ct_fail(CT_EDATA, "%s:%ld: empty URL cell", st->name, r->line);
	return add_line(st->name, st->m, r->line, url, cell(r, st->coll), cell(r, st->patient),
	                cell(r, st->series));
}

/* A CSV export starts (after comments and blank lines) with a header naming its URL column. */
static int looks_like_csv(const char *buf)
{
	const char *s = buf;
	if (!strncmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
	while (*s == '#' || isspace((unsigned char)*s)) {
		if (*s == '#')
			s += strcspn(s, "\n");
		else
			s++;
	}
	size_t n = strcspn(s, "\r\n");
	char *first = strndup(s, n);
	int csv = first && strchr(first, ',') && (strcasestr(first, "cp_command") || strcasestr(first, "series_aws_url"));
	free(first);
	return csv;
}

static int by_uuid_then_order(const void *a, const void *b)
{
	const ct_scan *x = *(ct_scan *const *)a, *y = *(ct_scan *const *)b;
	int c = strcmp(x->uuid, y->uuid);
	return c ? c : (x < y ? -1 : x > y);
}

/* Drop repeats (first wins), keeping manifest order; another bucket for a series is an error. */
static ct_code dedupe(const char *name, ct_manifest *m)
{
	ct_scan **p = malloc((m->n + 1) * sizeof *p);
	char *drop = calloc(m->n + 1, 1);
	if (!p || !drop) {
		free(p);
		free(drop);
		return ct_fail(CT_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < m->n; i++)
		p[i] = &m->scan[i];
	qsort(p, m->n, sizeof *p, by_uuid_then_order);
	ct_code c = CT_OK;
	for (size_t i = 1; i < m->n && !c; i++) {
		ct_scan *first = p[i - 1], *s = p[i];
		if (strcmp(first->uuid, s->uuid))
			continue;
		if (strcmp(first->bucket, s->bucket) || strcmp(first->scheme, s->scheme))
			c = ct_fail(CT_EDATA, "%s:%ld: series %s is named on line %ld with another bucket",
			            name, s->line, s->uuid, first->line);
		drop[s - m->scan] = 1;
		p[i] = first; /* later repeats compare with the first */
	}
	size_t k = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (drop[i]) {
			scan_free(&m->scan[i]);
			m->duplicates++;
		} else {
			m->scan[k++] = m->scan[i];
		}
	}
	m->n = k;
	free(p);
	free(drop);
	return c;
}

ct_code ct_manifest_read(const char *path, ct_manifest *m)
{
	memset(m, 0, sizeof *m);
	char *buf;
	size_t len;
	ct_code c = ct_read_file(path, &buf, &len);
	if (c)
		return c;
	if (memchr(buf, 0, len))
		c = ct_fail(CT_EDATA, "%s: binary data (a NUL byte): not a manifest", path);
	else if (looks_like_csv(buf)) {
		csv_state st = {.name = path, .m = m};
		c = ct_csv_parse(path, buf, len, ',', on_csv_row, &st);
	} else {
		c = read_lines(path, buf + (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0), m);
	}
	free(buf);
	if (!c)
		c = dedupe(path, m);
	if (!c && m->n == 0)
		c = ct_fail(CT_EDATA, "%s: names no series", path);
	if (c)
		ct_manifest_free(m);
	return c;
}

void ct_manifest_free(ct_manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		scan_free(&m->scan[i]);
	free(m->scan);
	memset(m, 0, sizeof *m);
}

unsigned ct_scan_shard(const char *uuid, unsigned n)
{
	char hex[CT_HEX_MAX];
	ct_digest d;
	if (ct_digest_init(&d, CT_MD5, 0))
		return 1;
	ct_digest_update(&d, uuid, strlen(uuid));
	ct_digest_final(&d, hex);
	hex[16] = 0;
	unsigned long long v = strtoull(hex, NULL, 16);
	return (unsigned)(v % n) + 1;
}
