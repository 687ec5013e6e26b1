/* ct-index: the per-scan records of a plan → scan_list.pkl, index.tsv and failed.tsv. */
#include "cli.h"
#include "fs.h"
#include "log.h"
#include "scanfiles.h"
#include "pickle.h"
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
"  DIR/failed.tsv     one row per failed scan: scan, step, reason\n"
"Per scan it reads DIR/records/<uuid>.tsv (ct-convert --meta), DIR/dicom/<uuid>/.scandir (the\n"
"scan's directory; scan.nrrd is there), DIR/dicom/<uuid>/.verified (ct-fetch's record, for\n"
"the bytes) and DIR/failed/<uuid>.tsv (why a scan failed).\n"
"\n"
"Exit status: 0 every scan of the plan is indexed; 1 some failed or are not done yet (the\n"
"files are written all the same); 2 usage.\n";

/* CT-FM's own metadata columns, in its order (SOURCES.md); ours follow. */
static const char *ctfm_cols[] = {
	"SeriesInstanceUID", "collection_id", "PatientID", "BodyPartExamined", "ContrastBolusAgent",
	"ImageType", "num_instances", "StudyInstanceUID", "ClinicalTrialTimePointID", "PixelSpacing",
	"SliceThickness", "ConvolutionKernel", "ReconstructionDiameter", "Manufacturer", "idc_url", NULL};

typedef struct {
	const char *dir;
	const ct_tsv *plan;
	FILE *index, *failed;
	ct_tsv first;           /* the first record: its columns name ours */
	int have_first;
	char **paths;
	size_t done, nfailed, left;
} indexer;

static int is_ctfm(const char *name)
{
	for (int i = 0; ctfm_cols[i]; i++)
		if (!strcmp(name, ctfm_cols[i]))
			return 1;
	return 0;
}

/* The scan's directory (first line of .scandir) + "/scan.nrrd". */
static ct_code nrrd_path(const indexer *x, const char *uuid, char **out)
{
	char *f = ct_pathf("%s/dicom/%s/.scandir", x->dir, uuid), *buf;
	ct_code c = ct_read_file(f, &buf, NULL);
	free(f);
	if (c)
		return c;
	buf[strcspn(buf, "\r\n")] = 0;
	*out = ct_path_join(buf, "scan.nrrd");
	free(buf);
	return *out ? CT_OK : ct_fail(CT_ENOMEM, "out of memory");
}

static void write_header(indexer *x)
{
	for (int i = 0; ctfm_cols[i]; i++)
		fprintf(x->index, "%s\t", ctfm_cols[i]);
	fputs("scan\tpath\tdicom_bytes", x->index);
	for (size_t k = 0; k < x->first.ncols; k++)
		if (!is_ctfm(x->first.header[k]))
			fprintf(x->index, "\t%s", x->first.header[k]);
	fputc('\n', x->index);
}

static void write_row(indexer *x, size_t prow, const ct_tsv *rec, const char *path)
{
	const char *uuid = ct_tsv_get(x->plan, prow, 0);
	for (int i = 0; ctfm_cols[i]; i++) {
		const char *name = ctfm_cols[i];
		const char *v = ct_tsv_get(rec, 0, ct_tsv_col(rec, name)); /* "" when absent */
		if (!strcmp(name, "collection_id"))
			v = ct_tsv_get(x->plan, prow, ct_tsv_col(x->plan, "collection_id"));
		else if (!strcmp(name, "idc_url"))
			v = ct_tsv_get(x->plan, prow, ct_tsv_col(x->plan, "url"));
		ct_tsv_put(x->index, v);
		fputc('\t', x->index);
	}
	fprintf(x->index, "%s\t", uuid);
	ct_tsv_put(x->index, path);
	fprintf(x->index, "\t%llu", ct_scan_dicom_bytes(x->dir, uuid));
	for (size_t k = 0; k < x->first.ncols; k++) {
		if (is_ctfm(x->first.header[k]))
			continue;
		fputc('\t', x->index);
		ct_tsv_put(x->index, ct_tsv_get(rec, 0, ct_tsv_col(rec, x->first.header[k])));
	}
	fputc('\n', x->index);
}

/* A failed scan's reason, or a "not done" count. */
static void note_missing(indexer *x, const char *uuid)
{
	char *f = ct_pathf("%s/failed/%s.tsv", x->dir, uuid), *buf;
	if (ct_read_file(f, &buf, NULL) == CT_OK) {
		buf[strcspn(buf, "\n")] = 0;
		fprintf(x->failed, "%s\n", buf);
		x->nfailed++;
		free(buf);
	} else {
		x->left++;
	}
	free(f);
}

static ct_code index_scan(indexer *x, size_t prow)
{
	const char *uuid = ct_tsv_get(x->plan, prow, 0);
	char *rf = ct_pathf("%s/records/%s.tsv", x->dir, uuid), *path = NULL;
	ct_tsv rec;
	ct_code c = ct_tsv_read(rf, &rec);
	free(rf);
	if (c) {
		note_missing(x, uuid);
		return CT_OK;
	}
	c = nrrd_path(x, uuid, &path);
	if (c) {
		ct_tsv_free(&rec);
		return c;
	}
	if (!x->have_first) {
		x->first = rec; /* its columns name ours; kept to the end */
		x->have_first = 1;
		write_header(x);
	}
	write_row(x, prow, &rec, path);
	x->paths[x->done++] = path;
	if (rec.buf != x->first.buf)
		ct_tsv_free(&rec);
	return CT_OK;
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
	for (size_t r = 0; r < x->plan->nrows && !c; r++)
		c = index_scan(x, r);
	if (!x->have_first)
		write_header(x);
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
		ct_info("%zu scans indexed, %zu failed, %zu not done, of %zu planned", x.done, x.nfailed,
		        x.left, p.nrows);
	if (!c && (x.nfailed || x.left))
		c = ct_fail(CT_EDATA, "%zu scans failed and %zu are not done: see %s/failed.tsv; run the "
		            "same make command again to retry them", x.nfailed, x.left, x.dir);
	for (size_t i = 0; i < x.done; i++)
		free(x.paths[i]);
	free(x.paths);
	ct_tsv_free(&x.first);
	ct_tsv_free(&p);
	ct_exit(c);
}
