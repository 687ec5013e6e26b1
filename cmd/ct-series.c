/* ct-series: the series of a study, described from their headers, and the one to convert (lib/series.h). */
#include "cli.h"
#include "fs.h"
#include "log.h"
#include "series.h"
#include "step.h"
#include "tsv.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: ct-series [options] OUT.tsv DIR...\n"
"List the series whose DICOM files lie at the top of the DIRs (files grouped by\n"
"SeriesInstanceUID across them), rank them by the rule below and write OUT, one row per series:\n"
"  [id] series_uid series_number description kernel thickness image_type contrast modality\n"
"  slices localizers other rows cols gantry_tilt [--sources columns] eligible rank chosen why\n"
"Text is the series' first image slice's (files in name order): SeriesDescription,\n"
"ConvolutionKernel, SliceThickness, ImageType, ContrastBolusAgent, Modality, GantryDetectorTilt\n"
"(the header's value; ct-convert measures the tilt it converts). slices counts image files\n"
"(Rows and Columns set, LOCALIZER not among ImageType's values), other the non-image objects;\n"
"image_type is /-joined. Files that are not DICOM, or whose header does not parse, are skipped.\n"
"Exactly one row has chosen = 1; rank orders the image series (0: none).\n"
"\n"
"The rule (a plain head or body CT, as CT-FM's loaders take one scan a patient). A series is\n"
"eligible when it is\n"
"  - CT with image slices, axial (slice normal within 45 degrees of the feet-head axis),\n"
"  - SliceThickness at most --max-thickness (default 5 mm),\n"
"  - not a sharp kernel: BONE, DETAIL, EDGE, LUNG or SHARP in SeriesDescription or\n"
"    ConvolutionKernel, or a Siemens-style kernel (a letter and two digits, e.g. H70h, B60f)\n"
"    numbered 60 or more,\n"
"  - not contrast-enhanced: no ContrastBolusAgent (other than NONE or NO), and\n"
"    SeriesDescription says neither POST nor CONTRAST (CONTRAST with PRE, NON or PLAIN is plain).\n"
"Eligible series rank first, then the other image series. Within each: more image slices\n"
"first, then the thinner SliceThickness, then the smaller SeriesInstanceUID (byte order), so\n"
"the choice does not depend on file or folder order. Rank 1 is chosen; when no series is\n"
"eligible, the best of the others is, and why says so.\n"
"\n"
"options:\n"
"  --id ID             a first column 'id' holding ID in every row (the patient or study)\n"
"  --sources TSV       a table with a series_uid column (e.g. the archive and folder each\n"
"                      series' files came from): its other columns are added, each series\n"
"                      getting the distinct values of the rows with its UID, ','-joined\n"
"  --max-thickness MM  the thickest eligible slices (default 5)\n"
"  --threads N         threads reading headers (default: one per CPU)\n"
CT_STEP_USAGE
"  -h, --help          this text\n"
"OUT is written atomically. Exit status: 0 written, 1 no image series or a folder unreadable\n"
"(nothing written), 2 usage.\n";

typedef struct {
	ct_tsv t;
	int uid;      /* the series_uid column */
	int loaded;
} sources;

/* The distinct values of column col over the sources rows of uid, ','-joined, into f. */
static void put_sources(FILE *f, const sources *src, int col, const char *uid)
{
	int first = 1;
	for (size_t r = 0; r < src->t.nrows; r++) {
		const char *v = ct_tsv_get(&src->t, r, col);
		if (strcmp(ct_tsv_get(&src->t, r, src->uid), uid) || !*v)
			continue;
		size_t seen = 0;
		for (size_t q = 0; q < r && !seen; q++)
			seen = !strcmp(ct_tsv_get(&src->t, q, src->uid), uid) && !strcmp(ct_tsv_get(&src->t, q, col), v);
		if (seen)
			continue;
		if (!first)
			fputc(',', f);
		ct_tsv_put(f, v);
		first = 0;
	}
}

static void put_row(FILE *f, const char *id, const ct_series *s, const sources *src)
{
	char num[7][32];
	snprintf(num[0], sizeof num[0], "%zu", s->slices);
	snprintf(num[1], sizeof num[1], "%zu", s->localizers);
	snprintf(num[2], sizeof num[2], "%zu", s->other);
	snprintf(num[3], sizeof num[3], "%d", s->rows);
	snprintf(num[4], sizeof num[4], "%d", s->cols);
	snprintf(num[5], sizeof num[5], "%g", s->gantry_tilt);
	snprintf(num[6], sizeof num[6], "%d", s->rank);
	const char *cells[] = {s->uid, s->number, s->description, s->kernel, s->thickness_text, s->image_type,
	                       s->contrast, s->modality, num[0], num[1], num[2], num[3], num[4], num[5]};
	if (id)
		fprintf(f, "%s\t", id);
	for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
		ct_tsv_put(f, cells[i]);
		fputc('\t', f);
	}
	for (size_t c = 0; src->loaded && c < src->t.ncols; c++) {
		if ((int)c == src->uid)
			continue;
		put_sources(f, src, (int)c, s->uid);
		fputc('\t', f);
	}
	fprintf(f, "%d\t%s\t%d\t", s->eligible, num[6], s->rank == 1);
	ct_tsv_put(f, s->why);
	fputc('\n', f);
}

static ct_code write_table(const char *out, const char *id, const ct_series_list *l, const sources *src)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return ct_fail_errno(CT_ENOMEM, "%s", out);
	fputs(id ? "id\t" : "", f);
	fputs("series_uid\tseries_number\tdescription\tkernel\tthickness\timage_type\tcontrast\tmodality\t"
	      "slices\tlocalizers\tother\trows\tcols\tgantry_tilt\t", f);
	for (size_t c = 0; src->loaded && c < src->t.ncols; c++)
		if ((int)c != src->uid)
			fprintf(f, "%s\t", src->t.header[c]);
	fputs("eligible\trank\tchosen\twhy\n", f);
	for (size_t i = 0; i < l->n; i++)
		put_row(f, id, &l->s[i], src);
	ct_code c = fclose(f) ? ct_fail_errno(CT_ENOMEM, "%s", out) : ct_write_file_atomic(out, buf, len);
	free(buf);
	return c;
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-series", usage);
	enum { O_ID = 1, O_SOURCES, O_MAX, O_THREADS };
	static const struct option opts[] = {{"id", required_argument, 0, O_ID},
		{"sources", required_argument, 0, O_SOURCES}, {"max-thickness", required_argument, 0, O_MAX},
		{"threads", required_argument, 0, O_THREADS}, CT_STEP_LONGOPTS, {0, 0, 0, 0}};
	const char *id = NULL, *src_path = NULL;
	double max_thickness = 5;
	int threads = 0, c;
	while ((c = ct_getopt(argc, argv, "", opts)) != -1) {
		char *end;
		switch (c) {
		case O_ID: id = optarg; break;
		case O_SOURCES: src_path = optarg; break;
		case O_MAX:
			max_thickness = strtod(optarg, &end);
			if (end == optarg || *end || !(max_thickness > 0))
				ct_usage_error("--max-thickness: '%s' is not a positive number of mm", optarg);
			break;
		case O_THREADS: threads = (int)ct_cli_long("--threads", optarg, 1, 1024); break;
		default: /* ct_getopt() refused every option not in the table */
			ct_step_option(c, optarg);
		}
	}
	if (argc - optind < 2)
		ct_usage_error("expected OUT.tsv and at least one DIR");
	ct_step_begin();
	sources src = {.uid = -1};
	ct_code code = CT_OK;
	if (src_path && !(code = ct_tsv_read(src_path, &src.t))) {
		src.loaded = 1;
		if ((src.uid = ct_tsv_col(&src.t, "series_uid")) < 0)
			code = ct_fail(CT_EDATA, "%s: no series_uid column", src_path);
	}
	ct_series_list l = {0};
	if (!code && !(code = ct_series_scan(argv + optind + 1, (size_t)(argc - optind - 1), threads, &l)) &&
	    !(code = ct_series_choose(&l, max_thickness)))
		code = write_table(argv[optind], id, &l, &src);
	if (code && id) {
		char *why = strdup(ct_errmsg());
		ct_fail(code, "%s: %s", id, why ? why : "");
		free(why);
	}
	ct_series_free(&l);
	if (src.loaded)
		ct_tsv_free(&src.t);
	ct_step_exit(code);
}
