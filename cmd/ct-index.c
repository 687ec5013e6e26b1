/* ct-index: the per-scan records of a plan → scan_list.pkl, index.tsv and failed.tsv. */
#include "cli.h"
#include "fs.h"
#include "log.h"
#include "scanfiles.h"
#include "pickle.h"
#include "record.h"
#include "tsv.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: ct-index --plan PLAN.tsv DIR\n"
"\n"
"Gather the scans of PLAN.tsv (from ct-plan) under DIR (DATA/pretrain) and write, atomically:\n"
"  DIR/scan_list.pkl  a Python list of pathlib.PosixPath, one absolute path per converted scan,\n"
"                     in plan order: what CT-FM's training config loads\n"
"  DIR/index.tsv      one row per converted scan: CT-FM's metadata columns, then ours\n"
"                     (lib/record.h); a scan left out (its record's left_out says why:\n"
"                     ct-convert --leave-out-non-ct) has its row, with no path, and is not in\n"
"                     the pickle\n"
"  DIR/failed.tsv     one row per failed scan: scan, step, reason\n"
"Per scan it reads the files lib/scanfiles.h names: DIR/records/<uuid>.tsv (ct-convert --meta:\n"
"the metadata and the NRRD's path; the scan is done when it exists), DIR/dicom/<uuid>/.verified\n"
"(ct-fetch's record, for the bytes) and DIR/failed/<uuid>.tsv (why a scan failed). Done,\n"
"failed and not done are counted as ct-status counts them.\n"
"\n"
"Exit status: 0 every scan of the plan is indexed; 1 some failed or are not done yet (the\n"
"files are written all the same); 2 usage.\n";

typedef struct {
	const char *dir;
	const ct_tsv *plan;
	FILE *index, *failed;
	char **paths;
	size_t done, nfailed, left, left_out;
} indexer;

/* The columns only the pipeline knows, then the row. */
static ct_code write_row(indexer *x, size_t prow, ct_record *rec, unsigned long long dicom_bytes)
{
	const char *uuid = ct_tsv_get(x->plan, prow, 0);
	char bytes[32];
	snprintf(bytes, sizeof bytes, "%llu", dicom_bytes);
	ct_record_set(rec, CT_REC_COLLECTION, ct_tsv_get(x->plan, prow, ct_tsv_col(x->plan, "collection_id")));
	ct_record_set(rec, CT_REC_IDC_URL, ct_tsv_get(x->plan, prow, ct_tsv_col(x->plan, "url")));
	ct_record_set(rec, CT_REC_SCAN, uuid);
	ct_record_set(rec, CT_REC_DICOM_BYTES, bytes);
	return ct_record_put_row(x->index, rec);
}

/* A done scan: its row and its pickle path (the record's). */
static ct_code index_done(indexer *x, size_t prow, const ct_scan_state *st)
{
	const char *uuid = ct_tsv_get(x->plan, prow, 0);
	char *rf = ct_scan_path(x->dir, uuid, CT_SCAN_RECORD);
	ct_record rec;
	ct_code c = rf ? ct_record_read(rf, &rec) : ct_fail(CT_ENOMEM, "out of memory");
	if (c) {
		free(rf);
		return c;
	}
	const char *path = ct_record_get(&rec, CT_REC_PATH);
	int left_out = *ct_record_get(&rec, CT_REC_LEFT_OUT) != 0; /* a SEG, an RTSTRUCT: no NRRD */
	if (left_out)
		c = write_row(x, prow, &rec, st->bytes);
	else if (!*path)
		c = ct_fail(CT_EDATA, "%s: no path column (a record of an older ct-convert: remove it and "
		            "run make again to convert the scan again)", rf);
	else if (!(x->paths[x->done] = strdup(path)))
		c = ct_fail(CT_ENOMEM, "out of memory");
	else if ((c = write_row(x, prow, &rec, st->bytes)))
		free(x->paths[x->done]);
	if (!c)
		*(left_out ? &x->left_out : &x->done) += 1;
	ct_record_free(&rec);
	free(rf);
	return c;
}

static ct_code index_scan(indexer *x, size_t prow)
{
	ct_scan_state st;
	ct_code c = ct_scan_state_read(x->dir, ct_tsv_get(x->plan, prow, 0), &st);
	if (c)
		return c;
	if (st.stage == CT_SCAN_DONE) {
		c = index_done(x, prow, &st);
	} else if (st.stage == CT_SCAN_FAILED) {
		fprintf(x->failed, "%s\n", st.failure);
		x->nfailed++;
	} else {
		x->left++;
	}
	ct_scan_state_free(&st);
	return c;
}

static ct_code run(indexer *x)
{
	char *pkl = ct_path_join(x->dir, "scan_list.pkl"), *idx = ct_path_join(x->dir, "index.tsv"),
	     *fl = ct_path_join(x->dir, "failed.tsv");
	ct_atomic ai, af;
	ct_code c = ct_atomic_open(&ai, idx);
	if (!c && (c = ct_atomic_open(&af, fl)))
		ct_atomic_abort(&ai);
	if (c)
		goto out;
	x->index = ct_atomic_stream(&ai);
	x->failed = ct_atomic_stream(&af);
	fputs("scan\tstep\treason\n", x->failed);
	ct_record_put_header(x->index);
	for (size_t r = 0; r < x->plan->nrows && !c; r++)
		c = index_scan(x, r);
	if (!c)
		c = ct_pickle_write_paths(pkl, (const char *const *)x->paths, x->done);
	if (!c)
		c = ct_atomic_commit(&ai);
	else
		ct_atomic_abort(&ai);
	if (!c)
		c = ct_atomic_commit(&af);
	else
		ct_atomic_abort(&af);
out:
	free(pkl);
	free(idx);
	free(fl);
	return c;
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-index", usage);
	static const struct option longopts[] = {{"plan", required_argument, 0, 'p'}, {0, 0, 0, 0}};
	const char *plan = NULL;
	int o;
	while ((o = ct_getopt(argc, argv, "", longopts)) != -1)
		plan = optarg; /* --plan, the only option */
	if (!plan || optind != argc - 1)
		ct_usage_error("--plan PLAN.tsv and one DIR expected");
	ct_tsv p;
	ct_code c = ct_tsv_read(plan, &p);
	if (c)
		ct_exit(c);
	if (ct_tsv_col(&p, "scan") != 0 || ct_tsv_col(&p, "url") < 0)
		ct_exit(ct_fail(CT_EDATA, "%s: not a plan table (columns scan, url, ... expected)", plan));
	indexer x = {.dir = argv[optind], .plan = &p, .paths = calloc(p.nrows + 1, sizeof(char *))};
	if (!x.paths)
		ct_exit(ct_fail(CT_ENOMEM, "out of memory"));
	c = run(&x);
	if (!c)
		ct_info("%zu scans indexed, %zu left out, %zu failed, %zu not done, of %zu planned", x.done,
		        x.left_out, x.nfailed, x.left, p.nrows);
	if (!c && (x.nfailed || x.left))
		c = ct_fail(CT_EDATA, "%zu scans failed and %zu are not done: see %s/failed.tsv; run the "
		            "same make command again to retry them", x.nfailed, x.left, x.dir);
	for (size_t i = 0; i < x.done; i++)
		free(x.paths[i]);
	free(x.paths);
	ct_tsv_free(&p);
	ct_exit(c);
}
