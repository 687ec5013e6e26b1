/* manifest.c: see manifest.h. */
#include "manifest.h"
#include "csvrows.h"
#include "digest.h"
#include "fs.h"

#include <ctype.h>
#include <stdint.h>
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

/* IDC's buckets (SOURCES.md): the only ones accepted unless the caller names others. */
static const char *const idc_s3[] = {"idc-open-data", "idc-open-data-two", "idc-open-data-cr", NULL};
static const char *const idc_gs[] = {"idc-open-data", "idc-open-idc1", "idc-open-cr", NULL};

/* The bucket naming rules: S3's (3-63 of a-z 0-9 . -, a letter or digit at each end, no "..",
 * not an IP address) and GCS's (also '_'; no "goog" prefix, no "google"). */
static const char *bucket_grammar(const char *scheme, const char *b, size_t n)
{
	int gs = !strcmp(scheme, "gs"), dots = 0, digits_and_dots = 1;
	if (n < 3 || n > 63)
		return "a bucket name has 3 to 63 characters";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];
		if (!(islower(c) || isdigit(c) || c == '-' || c == '.' || (gs && c == '_')))
			return gs ? "a bucket name holds only a-z, 0-9, '.', '-' and '_'"
			          : "a bucket name holds only a-z, 0-9, '.' and '-'";
		dots += c == '.';
		digits_and_dots &= isdigit(c) || c == '.';
		if (c == '.' && i + 1 < n && b[i + 1] == '.')
			return "a bucket name has no '..'";
	}
	if (!isalnum((unsigned char)b[0]) || !isalnum((unsigned char)b[n - 1]))
		return "a bucket name starts and ends with a letter or digit";
	if (digits_and_dots && dots == 3)
		return "a bucket name is not an IP address";
	if (gs && (!strncmp(b, "goog", 4) || memmem(b, n, "google", 6)))
		return "a GCS bucket name holds no 'goog' prefix and no 'google'";
	return NULL;
}

/* Whether b[0..n) is one of names[0..count) (count SIZE_MAX: up to a NULL). */
static int listed(const char *const *names, size_t count, const char *b, size_t n)
{
	for (size_t i = 0; i < count && names[i]; i++)
		if (strlen(names[i]) == n && !memcmp(names[i], b, n))
			return 1;
	return 0;
}

static ct_code check_bucket(const char *name, long line, const ct_manifest_opts *o, const char *scheme,
                            const char *b, size_t n)
{
	const char *why = bucket_grammar(scheme, b, n);
	if (why)
		return ct_fail(CT_EDATA, "%s:%ld: '%s://%.*s': %s", name, line, scheme, (int)(n > 70 ? 70 : n), b, why);
	if (o->any_bucket || listed(!strcmp(scheme, "gs") ? idc_gs : idc_s3, SIZE_MAX, b, n) ||
	    listed(o->buckets, o->nbuckets, b, n))
		return CT_OK;
	return ct_fail(CT_EDATA, "%s:%ld: bucket '%s://%.*s' is not one of IDC's (name others with --bucket)", name,
	               line, scheme, (int)n, b);
}

/* The characters a key may hold after the series UUID: IDC's keys are <uuid>/<uuid>.dcm, and
 * manifests add the shell wildcard. Anything else (quotes, '$', '(', ';', '#', '\', spaces
 * inside the URL) is refused rather than guessed at. */
static int key_char(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '-' || c == '*' || c == '/';
}

/* URL = ("s3" | "gs") "://" BUCKET "/" UUID [ "/" KEY-REST ], exactly u[0..n). */
static ct_code parse_url(const char *name, long line, const ct_manifest_opts *o, const char *u, size_t n,
                         ct_scan *s)
{
	if (n < 5 || (memcmp(u, "s3://", 5) && memcmp(u, "gs://", 5)))
		return ct_fail(CT_EDATA, "%s:%ld: no s3:// or gs:// URL on this line", name, line);
	memcpy(s->scheme, u, 2);
	s->scheme[2] = 0;
	const char *b = u + 5, *end = u + n, *slash = memchr(b, '/', (size_t)(end - b));
	if (!slash)
		return ct_fail(CT_EDATA, "%s:%ld: no series after the bucket", name, line);
	ct_code c = check_bucket(name, line, o, s->scheme, b, (size_t)(slash - b));
	if (c)
		return c;
	const char *id = slash + 1;
	size_t idn = strcspn(id, "/");
	if (idn > (size_t)(end - id))
		idn = (size_t)(end - id);
	if (!is_uuid(id, idn))
		return ct_fail(CT_EDATA, "%s:%ld: '%.*s' after the bucket is not a series UUID", name, line,
		               (int)(idn > 60 ? 60 : idn), id);
	for (const char *k = id + idn; k < end; k++)
		if (!key_char((unsigned char)*k))
			return ct_fail(CT_EDATA, "%s:%ld: character %s%c%s (0x%02x) in the key: only letters, digits, "
			               "'.', '_', '-', '/' and '*' follow the series UUID", name, line,
			               isgraph((unsigned char)*k) ? "'" : "", isgraph((unsigned char)*k) ? *k : '?',
			               isgraph((unsigned char)*k) ? "'" : "", (unsigned char)*k);
	memcpy(s->uuid, id, 36);
	s->uuid[36] = 0;
	s->bucket = strndup(b, (size_t)(slash - b));
	return s->bucket ? CT_OK : ct_fail(CT_ENOMEM, "out of memory");
}

/* One entry: an s5cmd line `cp URL .` or `cp URL.` (the destination glued on, as CT-FM's query
 * writes it), or a bare URL; surrounding blanks allowed, nothing else. */
static ct_code parse_entry(const char *name, long line, const ct_manifest_opts *o, const char *text, ct_scan *s)
{
	const char *p = text, *end = text + strlen(text);
	while (p < end && isblank((unsigned char)*p))
		p++;
	while (end > p && isblank((unsigned char)end[-1]))
		end--;
	int cp = end - p > 3 && !memcmp(p, "cp", 2) && isblank((unsigned char)p[2]);
	if (cp) {
		p += 2;
		while (p < end && isblank((unsigned char)*p))
			p++;
		if (end > p && end[-1] == '.' && (end - 1 == p || isblank((unsigned char)end[-2]))) {
			end--; /* "cp URL ." */
			while (end > p && isblank((unsigned char)end[-1]))
				end--;
		} else if (end > p && end[-1] == '.') {
			end--; /* "cp URL." */
		} else {
			return ct_fail(CT_EDATA, "%s:%ld: a cp line ends with its destination '.'", name, line);
		}
	}
	for (const char *q = p; q < end; q++)
		if (!isgraph((unsigned char)*q))
			return ct_fail(CT_EDATA, "%s:%ld: %s", name, line,
			               cp ? "a cp line is 'cp URL .': one URL, one destination"
			                  : "one URL a line (a blank or control character inside it)");
	return parse_url(name, line, o, p, (size_t)(end - p), s);
}

static void scan_free(ct_scan *s)
{
	free(s->bucket);
	free(s->collection);
	free(s->patient);
	free(s->series_uid);
	free(s->modality);
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

/* A collection_id names a directory of the layout and a makefile value: IDC's ids are
 * lower-case words joined by '_'; letters, digits, '_', '-' and inner '.' are accepted. */
static ct_code check_collection(const char *name, long line, const char *v)
{
	size_t n = strlen(v), ok = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.");
	if (n <= 64 && ok == n && v[0] != '.' && !strstr(v, ".."))
		return CT_OK;
	return ct_fail(CT_EDATA, "%s:%ld: collection_id '%.*s' is not a collection name (letters, digits, '_', "
	               "'-', '.' not first, at most 64)", name, line, (int)(n > 64 ? 64 : n), v);
}

/* PatientID (DICOM LO: 64 characters, no '\\', no control characters) and SeriesInstanceUID
 * (digits and dots, 64 at most) as the CSV gives them: only ever written to tables. */
static ct_code check_cells(const char *name, long line, const char *patient, const char *series)
{
	for (const unsigned char *p = (const unsigned char *)patient; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\' || p - (const unsigned char *)patient >= 64)
			return ct_fail(CT_EDATA, "%s:%ld: PatientID: %s", name, line, *p == '\\' ? "a '\\'" :
			               *p < 0x20 || *p == 0x7f ? "a control character" : "longer than 64 characters");
	size_t n = strlen(series);
	if (n > 64 || strspn(series, "0123456789.") != n)
		return ct_fail(CT_EDATA, "%s:%ld: SeriesInstanceUID '%.*s' is not a UID (digits and dots, at most 64)",
		               name, line, (int)(n > 64 ? 64 : n), series);
	return CT_OK;
}

/* One series from a URL-bearing text and optional CSV cells. */
static ct_code add_line(const char *name, const ct_manifest_opts *o, ct_manifest *m, long line,
                        const char *text, const char *coll, const char *patient, const char *series,
                        const char *modality)
{
	ct_scan s = {.line = line};
	ct_code c = check_collection(name, line, coll ? coll : "");
	if (!c)
		c = check_cells(name, line, patient ? patient : "", series ? series : "");
	if (!c)
		c = parse_entry(name, line, o, text, &s);
	if (c)
		return c;
	s.collection = dup_or_empty(coll);
	s.patient = dup_or_empty(patient);
	s.series_uid = dup_or_empty(series);
	s.modality = dup_or_empty(modality);
	if (!s.collection || !s.patient || !s.series_uid || !s.modality) {
		scan_free(&s);
		return ct_fail(CT_ENOMEM, "out of memory");
	}
	return push(m, &s);
}

/* Plain manifests: one URL-bearing line each. */
static ct_code read_lines(const char *name, const ct_manifest_opts *o, char *buf, ct_manifest *m)
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
		ct_code c = add_line(name, o, m, line, s, NULL, NULL, NULL, NULL);
		if (c)
			return c;
	}
	return CT_OK;
}

typedef struct {
	const char *name;
	const ct_manifest_opts *o;
	ct_manifest *m;
	int url, coll, patient, series, modality; /* column indexes, -1 if absent */
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
		st->modality = ct_csv_column(r, "Modality");
		st->m->has_collection = st->coll >= 0;
		st->m->has_modality = st->modality >= 0;
		if (st->url < 0)
			return ct_fail(CT_EDATA, "%s:%ld: the CSV header names neither cp_command nor series_aws_url",
			               st->name, r->line);
		return CT_OK;
	}
	const char *url = cell(r, st->url);
	if (!url || !*url)
		return ct_fail(CT_EDATA, "%s:%ld: empty URL cell", st->name, r->line);
	return add_line(st->name, st->o, st->m, r->line, url, cell(r, st->coll), cell(r, st->patient),
	                cell(r, st->series), cell(r, st->modality));
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

ct_code ct_manifest_read(const char *path, const ct_manifest_opts *o, ct_manifest *m)
{
	static const ct_manifest_opts idc_only = {0};
	if (!o)
		o = &idc_only;
	memset(m, 0, sizeof *m);
	char *buf;
	size_t len;
	ct_code c = ct_read_file(path, &buf, &len);
	if (c)
		return c;
	if (memchr(buf, 0, len))
		c = ct_fail(CT_EDATA, "%s: binary data (a NUL byte): not a manifest", path);
	else if (looks_like_csv(buf)) {
		csv_state st = {.name = path, .o = o, .m = m};
		c = ct_csv_parse(path, buf, len, ',', on_csv_row, &st);
	} else {
		c = read_lines(path, o, buf + (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0), m);
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
