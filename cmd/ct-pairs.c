/* ct-pairs: a test/retest set's index → pairs.tsv, each patient's two CT series in time order. */
#include "cli.h"
#include "fs.h"
#include "log.h"
#include "pairs.h"
#include "tsv.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: ct-pairs --plan PLAN.tsv ROOT\n"
"\n"
"Pair test and retest per patient (RIDER Lung CT) from what ct-index wrote under ROOT:\n"
"ROOT/index.tsv (its scan, PatientID, SeriesInstanceUID, path, left_out columns and the times\n"
"ct-convert recorded: AcquisitionDate, AcquisitionTime, InstanceCreationDate,\n"
"InstanceCreationTime, SeriesDate, SeriesTime). A scan of PLAN.tsv (ct-plan's) that is not in\n"
"the index is named in its patient's note as not converted (the plan's PatientID, when the\n"
"manifest said it). Writes ROOT/pairs.tsv atomically, one row per patient by PatientID:\n"
"  PatientID pair ct_series test_SeriesInstanceUID test_datetime test_nrrd\n"
"  retest_SeriesInstanceUID retest_datetime retest_nrrd time_from note\n"
"The test is the earlier CT series, the retest the later, by the first of\n"
"AcquisitionDate/AcquisitionTime, InstanceCreationDate/InstanceCreationTime,\n"
"SeriesDate/SeriesTime that both have (time_from names it; datetimes as DICOM DT text); pair\n"
"is yes exactly when the patient has two CT series and nothing unconverted. NRRD paths are\n"
"relative to ROOT.\n"
"Scans left out (ct-convert --leave-out-non-ct: a SEG, an RTSTRUCT) are named in the note.\n"
"  -h, --help   this text\n"
"Exit status: 0 written, 1 an unreadable or malformed table, 2 usage.\n";

static const char *const when_cols[CT_PAIRS_WHEN_N][2] = {
	{"AcquisitionDate", "AcquisitionTime"}, {"InstanceCreationDate", "InstanceCreationTime"},
	{"SeriesDate", "SeriesTime"}};

static ct_code need(const ct_tsv *t, const char *path, const char *name, int *col)
{
	*col = ct_tsv_col(t, name);
	return *col >= 0 ? CT_OK : ct_fail(CT_EDATA, "%s: no %s column", path, name);
}

/* Every row of the index, converted; each NRRD's path relative to root into rel[row] (the
 * NRRD must be there). */
static ct_code from_index(const ct_tsv *x, const char *path, const char *root, ct_pairs_scan *s,
                          char **rel)
{
	int scan, patient, uid, nrrd, left, when[CT_PAIRS_WHEN_N][2];
	ct_code c = need(x, path, "scan", &scan);
	if (!c)
		c = need(x, path, "PatientID", &patient);
	if (!c)
		c = need(x, path, "SeriesInstanceUID", &uid);
	if (!c)
		c = need(x, path, "path", &nrrd);
	for (int w = 0; w < CT_PAIRS_WHEN_N && !c; w++)
		for (int k = 0; k < 2 && !c; k++)
			c = need(x, path, when_cols[w][k], &when[w][k]);
	left = ct_tsv_col(x, "left_out");
	for (size_t r = 0; r < x->nrows && !c; r++) {
		ct_pairs_scan *p = &s[r];
		p->scan = ct_tsv_get(x, r, scan);
		p->patient = ct_tsv_get(x, r, patient);
		p->series_uid = ct_tsv_get(x, r, uid);
		const char *abs = ct_tsv_get(x, r, nrrd);
		if (*abs && !(rel[r] = ct_path_relative(abs, root)))
			c = ct_fail_errno(CT_EIO, "%s: scan %s: %s", path, p->scan, abs);
		p->nrrd = *abs ? rel[r] : "";
		for (int w = 0; w < CT_PAIRS_WHEN_N; w++)
			for (int k = 0; k < 2; k++)
				p->when[w][k] = ct_tsv_get(x, r, when[w][k]);
		p->left_out = ct_tsv_get(x, r, left);
		p->converted = 1;
	}
	return c;
}

static int by_scan(const void *a, const void *b)
{
	return strcmp(((const ct_pairs_scan *)a)->scan, ((const ct_pairs_scan *)b)->scan);
}

/* The plan's scans the index lacks, added after the n indexed ones; returns how many in all. */
static size_t add_unconverted(const ct_tsv *plan, ct_pairs_scan *s, size_t n)
{
	int patient = ct_tsv_col(plan, "PatientID"), uid = ct_tsv_col(plan, "SeriesInstanceUID");
	qsort(s, n, sizeof *s, by_scan);
	size_t k = n;
	for (size_t r = 0; r < plan->nrows; r++) {
		ct_pairs_scan key = {.scan = ct_tsv_get(plan, r, 0)};
		if (bsearch(&key, s, n, sizeof *s, by_scan))
			continue;
		ct_pairs_scan *p = &s[k++];
		*p = (ct_pairs_scan){.scan = key.scan, .patient = ct_tsv_get(plan, r, patient),
		                    .series_uid = ct_tsv_get(plan, r, uid), .nrrd = "", .left_out = ""};
		for (int w = 0; w < CT_PAIRS_WHEN_N; w++)
			p->when[w][0] = p->when[w][1] = "";
	}
	return k;
}

static ct_code run(const char *plan_path, const char *root)
{
	char *idx = ct_path_join(root, "index.tsv"), *out = ct_path_join(root, "pairs.tsv");
	ct_tsv plan = {0}, x = {0};
	ct_pairs_scan *s = NULL;
	char **rel = NULL;
	ct_code c = idx && out ? ct_tsv_read(plan_path, &plan) : ct_fail(CT_ENOMEM, "out of memory");
	if (!c && (ct_tsv_col(&plan, "scan") != 0))
		c = ct_fail(CT_EDATA, "%s: not a plan table (column scan first expected)", plan_path);
	if (!c)
		c = ct_tsv_read(idx, &x);
	if (!c && (!(s = calloc(x.nrows + plan.nrows + 1, sizeof *s)) ||
	           !(rel = calloc(x.nrows + 1, sizeof *rel))))
		c = ct_fail(CT_ENOMEM, "out of memory");
	if (!c)
		c = from_index(&x, idx, root, s, rel);
	if (!c) {
		size_t n = add_unconverted(&plan, s, x.nrows);
		ct_atomic a;
		c = ct_atomic_open(&a, out);
		if (!c && (c = ct_pairs_write(ct_atomic_stream(&a), s, n)))
			ct_atomic_abort(&a);
		else if (!c)
			c = ct_atomic_commit(&a);
		if (!c)
			ct_info("%s: %zu scans (%zu in the index)", out, n, x.nrows);
	}
	for (size_t r = 0; rel && r < x.nrows; r++)
		free(rel[r]);
	free(rel);
	free(s);
	ct_tsv_free(&x);
	ct_tsv_free(&plan);
	free(idx);
	free(out);
	return c;
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-pairs", usage);
	static const struct option longopts[] = {{"plan", required_argument, 0, 'p'}, {0, 0, 0, 0}};
	const char *plan = NULL;
	int o;
	while ((o = ct_getopt(argc, argv, "", longopts)) != -1)
		plan = optarg; /* --plan: ct_getopt() refused every other option */
	if (!plan || optind != argc - 1)
		ct_usage_error("--plan PLAN.tsv and one ROOT expected (see --help)");
	ct_exit(run(plan, argv[optind]));
}
