/* ct-convert: one CT series (a folder of DICOM files) to a gzip NRRD, plastimatch's layout. */
#include "cli.h"
#include "fs.h"
#include "gz.h"
#include "log.h"
#include "nrrd.h"
#include "meta.h"
#include "record.h"
#include "slices.h"
#include "step.h"
#include "volume.h"

#include <getopt.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
"usage: ct-convert [options] DICOM_DIR OUT.nrrd [--meta OUT.tsv]\n"
"Convert one CT series to a gzip NRRD in LPS space, voxel for voxel what\n"
"`plastimatch convert --output-img OUT.nrrd` gives, from any transfer syntax GDCM decodes.\n"
"\n"
"Reads the top level of DICOM_DIR. With several series there, takes the one with most image\n"
"slices and names the others; localizers, non-image objects and objects of another Modality\n"
"than CT (SEG, RTSTRUCT, ...) are set aside. Slices are ordered by position along the slice\n"
"normal; uneven spacing is laid on plastimatch's regular grid (each plane a copy of the\n"
"nearest slice); identical duplicates are dropped; gantry tilt is measured and recorded, not\n"
"corrected. HU = stored x RescaleSlope + RescaleIntercept.\n"
"\n"
"Limits (memory follows the files, never what a header claims): a data element no longer\n"
"than its file (a Deflated one: 1032 times it), a slice at most 4096 x 4096 pixels, a volume\n"
"at most 2^31 voxels and 20,000 planes. A file whose header asks for more cannot be read (it\n"
"fails the series naming it, or --skip-bad-files skips it); a series beyond a limit fails\n"
"naming the tag or the limit.\n"
"\n"
"options:\n"
"  --meta FILE         also write a one-row TSV record (lib/meta.h): CT-FM's header\n"
"                      columns, then path (OUT.nrrd, absolute), rows, columns, slices,\n"
"                      spacing, origin, direction, hu_min, hu_max, transfer_syntax,\n"
"                      irregular_spacing, tilt_deg, CT-FM's quality flags, skipped_files,\n"
"                      Modality, AcquisitionDate, AcquisitionTime, InstanceCreationDate,\n"
"                      InstanceCreationTime, SeriesDate, SeriesTime (the first slice's) and\n"
"                      left_out\n"
"  --leave-out-non-ct  a folder holding no CT image, only objects of another Modality (a SEG,\n"
"                      an RTSTRUCT), is left out, not an error: no NRRD, the --meta record\n"
"                      names the first such object's series and says why in left_out; exit 0\n"
"  --series UID        convert this SeriesInstanceUID instead of the largest series\n"
"  --skip-bad-files    convert without the DICOM files that cannot be read (a header that does\n"
"                      not parse, pixel data that does not decode) instead of failing; each\n"
"                      is named on stderr and in the record's skipped_files\n"
"  --type auto|short|float   voxel type (auto: short when every HU is an integer in range)\n"
"  --resample nearest|linear how planes of an uneven series are filled (default nearest,\n"
"                      as plastimatch)\n"
"  --level N           gzip level 1..12 (default 1, the fastest)\n"
"  --threads N         threads decoding and compressing (default: one per CPU); the output\n"
"                      bytes do not depend on it\n"
CT_STEP_USAGE
"  -h, --help          this text\n"
"A DICOM file of DICOM_DIR that cannot be read fails the series (naming the file and the tag\n"
"or the step), unless --skip-bad-files; files that are not DICOM (a README) are skipped.\n"
"OUT.nrrd and the --meta record are each one writer's: temporaries a killed earlier run left\n"
"of them are removed first.\n"
"\n"
"Exit status: 0 done (or left out), 1 the input is not a convertible series (nothing is\n"
"written), 2 usage.\n";

typedef struct {
	ct_slices_opts series;
	ct_volume_opts vol;
	const char *meta;
	int level;
} options;

static void parse(int argc, char **argv, options *o, const char **dir, const char **out)
{
	static const struct option longs[] = {
		{"meta", required_argument, 0, 'm'}, {"series", required_argument, 0, 's'},
		{"type", required_argument, 0, 't'}, {"resample", required_argument, 0, 'r'},
		{"level", required_argument, 0, 'l'}, {"threads", required_argument, 0, 'j'},
		{"skip-bad-files", no_argument, 0, 'b'}, {"leave-out-non-ct", no_argument, 0, 'n'},
		CT_STEP_LONGOPTS, {0, 0, 0, 0}};
	int c;
	while ((c = ct_getopt(argc, argv, "", longs)) != -1) {
		switch (c) {
		case 'm': o->meta = optarg; break;
		case 's': o->series.series_uid = optarg; break;
		case 'b': o->series.skip_bad_files = 1; break;
		case 'n': o->series.leave_out_non_ct = 1; break;
		case 't':
			if (!strcmp(optarg, "auto")) o->vol.type = CT_TYPE_AUTO;
			else if (!strcmp(optarg, "short")) o->vol.type = CT_TYPE_SHORT;
			else if (!strcmp(optarg, "float")) o->vol.type = CT_TYPE_FLOAT;
			else ct_usage_error("--type must be auto, short or float, not '%s'", optarg);
			break;
		case 'r':
			if (!strcmp(optarg, "nearest")) o->vol.resample = CT_RESAMPLE_NEAREST;
			else if (!strcmp(optarg, "linear")) o->vol.resample = CT_RESAMPLE_LINEAR;
			else ct_usage_error("--resample must be nearest or linear, not '%s'", optarg);
			break;
		case 'l': o->level = (int)ct_cli_long("--level", optarg, 1, 12); break;
		case 'j': o->vol.threads = o->series.threads = (int)ct_cli_long("--threads", optarg, 1, 64); break;
		default: /* ct_getopt() refused every option not in the table */
			ct_step_option(c, optarg);
		}
	}
	if (argc - optind != 2)
		ct_usage_error("expected DICOM_DIR and OUT.nrrd (see --help)");
	*dir = argv[optind];
	*out = argv[optind + 1];
}

/* The NRRD is compressed while the slices are decoded (lib/volume.h's sink), into a temporary
 * that takes its name only at the end. */
typedef struct {
	const char *path;
	int level;
	ct_nrrd_out *out;
} nrrd_sink;

static ct_code sink_begin(void *ctx, const ct_volume *v, size_t *piece, size_t *pieces)
{
	nrrd_sink *s = ctx;
	ct_nrrd h = v->nrrd;
	h.level = s->level;
	ct_code c = ct_nrrd_open(s->path, &h, v->data, &s->out);
	*piece = CT_GZIP_PIECE;
	*pieces = c ? 0 : ct_nrrd_pieces(s->out);
	return c;
}

static ct_code sink_piece(void *ctx, size_t k)
{
	return ct_nrrd_put(((nrrd_sink *)ctx)->out, k);
}

static void sink_cancel(void *ctx)
{
	nrrd_sink *s = ctx;
	ct_nrrd_abort(s->out);
	s->out = NULL;
}

/* The volume of s; with --skip-bad-files a slice whose pixels cannot be decoded is dropped
 * (lib/slices.h) and the volume made again without it. */
static ct_code load(const options *o, nrrd_sink *ns, ct_slices *s, ct_volume *v)
{
	for (;;) {
		ct_code c = ct_volume_load(s, &o->vol, v);
		if (!c || !o->series.skip_bad_files || !v->bad)
			return c;
		sink_cancel(ns);
		if ((c = ct_slices_skip(s, v->bad, ct_errmsg())))
			return c;
	}
}

/* The --meta record (lib/meta.h), its path the NRRD's, made absolute. */
static ct_code write_record(const char *meta, const ct_slices *s, const ct_volume *v, const char *out)
{
	ct_record r = {0};
	char *path = ct_path_absolute(out);
	ct_code c = path ? ct_meta_of_scan(&r, s, v, path) : ct_fail_errno(CT_EIO, "%s", out);
	if (!c)
		c = ct_record_write(meta, &r);
	ct_record_free(&r);
	free(path);
	return c;
}

/* A folder left out (--leave-out-non-ct): the record alone, saying why. */
static ct_code write_left_out(const char *meta, const ct_slices *s)
{
	ct_record r = {0};
	ct_code c = ct_meta_of_left_out(&r, s);
	if (!c && meta)
		c = ct_record_write(meta, &r);
	ct_record_free(&r);
	return c;
}

/* The record, then the volume under its name: when the volume cannot be committed the record
 * goes too, so a failed run leaves neither. */
static ct_code finish(const options *o, nrrd_sink *ns, const ct_slices *s, const ct_volume *v)
{
	/* The NRRD first, then the record: the record says the scan is done, so a kill -9 between
	 * the two must leave a scan to convert again, never a record naming a missing NRRD (test
	 * 4011 caught the other order under CI's load). */
	ct_code c = ct_nrrd_commit(ns->out);
	ns->out = NULL;
	if (!c && o->meta)
		c = write_record(o->meta, s, v, ns->path);
	return c;
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-convert", usage);
	/* Every slice needs scratch buffers of the same megabyte or so: keep freed ones for the
	 * next slice instead of unmapping and faulting them in again (the volume itself, larger,
	 * is still mapped on its own and returned at once). */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	options o = {.level = 1};
	const char *dir, *out;
	parse(argc, argv, &o, &dir, &out);
	ct_step_begin();
	ct_code c = ct_atomic_clean(out);
	if (!c && o.meta)
		c = ct_atomic_clean(o.meta);
	if (c)
		ct_step_exit(c);
	nrrd_sink ns = {.path = out, .level = o.level};
	ct_volume_sink sink = {sink_begin, sink_piece, sink_cancel, &ns};
	o.vol.sink = &sink;
	ct_slices s;
	ct_volume v = {0};
	c = ct_slices_read(dir, &o.series, &s);
	if (!c && s.left_out[0])
		c = write_left_out(o.meta, &s);
	else {
		if (!c)
			c = load(&o, &ns, &s, &v);
		if (!c)
			c = finish(&o, &ns, &s, &v);
		else
			sink_cancel(&ns);
	}
	ct_volume_free(&v);
	ct_slices_free(&s);
	ct_step_exit(c);
}
