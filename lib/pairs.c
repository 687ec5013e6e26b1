/* pairs.c: see pairs.h. */
#include "pairs.h"
#include "tsv.h"

#include <stdlib.h>
#include <string.h>

static const char *const when_name[CT_PAIRS_WHEN_N] = {
	"AcquisitionDate/AcquisitionTime", "InstanceCreationDate/InstanceCreationTime",
	"SeriesDate/SeriesTime"};

/* A CT series of the patient being written, with its time under the chosen source. */
typedef struct {
	const ct_pairs_scan *s;
	char dt[64];
} timed;

static int by_patient(const void *a, const void *b)
{
	const ct_pairs_scan *x = a, *y = b;
	int c = strcmp(x->patient, y->patient);
	return c ? c : strcmp(x->scan, y->scan);
}

static int by_time(const void *a, const void *b)
{
	const timed *x = a, *y = b;
	int c = strcmp(x->dt, y->dt);
	return c ? c : strcmp(x->s->series_uid, y->s->series_uid);
}

static int is_ct(const ct_pairs_scan *s)
{
	return s->converted && !*s->left_out;
}

/* The first source every CT series has (date and time), or CT_PAIRS_WHEN_N. */
static ct_pairs_when source_of(const timed *t, size_t n)
{
	for (int w = 0; w < CT_PAIRS_WHEN_N; w++) {
		size_t have = 0;
		for (size_t i = 0; i < n; i++)
			have += *t[i].s->when[w][0] && *t[i].s->when[w][1];
		if (n && have == n)
			return (ct_pairs_when)w;
	}
	return CT_PAIRS_WHEN_N;
}

/* DA then TM as DT text: "20060102101500.5" (old-style "10:15:00" loses its colons). */
static void datetime(const ct_pairs_scan *s, ct_pairs_when w, char *dt, size_t cap)
{
	size_t k = 0;
	if (w == CT_PAIRS_WHEN_N) {
		*dt = 0;
		return;
	}
	for (int part = 0; part < 2; part++)
		for (const char *p = s->when[w][part]; *p && k + 1 < cap; p++)
			if (*p != ':' && *p != ' ')
				dt[k++] = *p;
	dt[k] = 0;
}

/* "; " between the parts of a note. */
static void note(FILE *f, int *first, const char *fmt, const char *a, const char *b)
{
	char text[1024];
	snprintf(text, sizeof text, fmt, a, b);
	if (!*first)
		fputs("; ", f);
	*first = 0;
	ct_tsv_put(f, text);
}

static void put_series(FILE *f, const timed *t)
{
	ct_tsv_put(f, t ? t->s->series_uid : "");
	fputc('\t', f);
	ct_tsv_put(f, t ? t->dt : "");
	fputc('\t', f);
	ct_tsv_put(f, t ? t->s->nrrd : "");
	fputc('\t', f);
}

static void write_notes(FILE *f, const ct_pairs_scan *p, size_t n, const timed *t, size_t nct,
                        ct_pairs_when w)
{
	int first = 1;
	char count[32];
	if (nct == 0)
		note(f, &first, "no CT series", "", "");
	else if (nct == 1)
		note(f, &first, "one CT series: no retest", "", "");
	if (nct > 2) {
		snprintf(count, sizeof count, "%zu", nct);
		note(f, &first, "%s CT series: test and retest are the first two", count, "");
		for (size_t i = 2; i < nct; i++)
			note(f, &first, "also %s at %s", t[i].s->series_uid, t[i].dt);
	}
	if (nct > 1 && w == CT_PAIRS_WHEN_N)
		note(f, &first, "no time every series has: ordered by SeriesInstanceUID", "", "");
	else if (nct > 1 && !strcmp(t[0].dt, t[1].dt))
		note(f, &first, "test and retest at the same time: ordered by SeriesInstanceUID", "", "");
	for (size_t i = 0; i < n; i++) {
		if (p[i].converted && *p[i].left_out)
			note(f, &first, "left out %s: %s", p[i].series_uid, p[i].left_out);
		else if (!p[i].converted)
			note(f, &first, "scan %s not converted (failed or not done)", p[i].scan, "");
	}
}

/* One patient's row: p[0..n) are its scans. */
static ct_code write_patient(FILE *f, const ct_pairs_scan *p, size_t n)
{
	timed *t = calloc(n, sizeof *t);
	if (!t)
		return ct_fail(CT_ENOMEM, "out of memory");
	size_t nct = 0, pending = 0;
	for (size_t i = 0; i < n; i++) {
		pending += !p[i].converted;
		if (is_ct(&p[i]))
			t[nct++].s = &p[i];
	}
	ct_pairs_when w = source_of(t, nct);
	for (size_t i = 0; i < nct; i++)
		datetime(t[i].s, w, t[i].dt, sizeof t[i].dt);
	qsort(t, nct, sizeof *t, by_time);
	ct_tsv_put(f, p[0].patient);
	fprintf(f, "\t%s\t%zu\t", nct == 2 && !pending ? "yes" : "no", nct);
	put_series(f, nct > 0 ? &t[0] : NULL);
	put_series(f, nct > 1 ? &t[1] : NULL);
	fprintf(f, "%s\t", nct ? (w == CT_PAIRS_WHEN_N ? "none" : when_name[w]) : "");
	write_notes(f, p, n, t, nct, w);
	fputc('\n', f);
	free(t);
	return CT_OK;
}

ct_code ct_pairs_write(FILE *f, ct_pairs_scan *scans, size_t n)
{
	fputs("PatientID\tpair\tct_series\ttest_SeriesInstanceUID\ttest_datetime\ttest_nrrd\t"
	      "retest_SeriesInstanceUID\tretest_datetime\tretest_nrrd\ttime_from\tnote\n", f);
	qsort(scans, n, sizeof *scans, by_patient);
	ct_code c = CT_OK;
	for (size_t i = 0, j; i < n && !c; i = j) {
		for (j = i + 1; j < n && !strcmp(scans[j].patient, scans[i].patient); j++)
			;
		c = write_patient(f, scans + i, j - i);
	}
	return c;
}
