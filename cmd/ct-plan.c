/* ct-plan: an IDC manifest → the makefile fragment (and table) naming every scan once. */
#include "cli.h"
#include "fs.h"
#include "log.h"
#include "manifest.h"
#include "tsv.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: ct-plan [--collection C] [--modality M] [--limit N] [--shard I/N] [--tsv PLAN.tsv]\n"
"               [-o PLAN.mk] MANIFEST\n"
"\n"
"Read an IDC manifest and write a makefile fragment naming every series once, by its\n"
"crdc_series_uuid, in manifest order:\n"
"  CT_SCANS := <uuid> ...          the selected scans\n"
"  CT_URL.<uuid> := s3://BUCKET/<uuid>/   where its objects are\n"
"  CT_COLL.<uuid> := <collection_id>      or unknown-collection\n"
"\n"
"MANIFEST forms: s5cmd lines (cp s3://BUCKET/<uuid>/* .  cp s3://BUCKET/<uuid>/*.\n"
"cp s3://BUCKET/<uuid>/<instance>.dcm.), bare s3:// or gs:// URLs, '#' comments, blank lines,\n"
"CRLF; or a CSV export with a header naming cp_command or series_aws_url (optional\n"
"collection_id, PatientID, SeriesInstanceUID, Modality). Repeated series are dropped. A bad\n"
"line stops the plan with MANIFEST:LINE: why.\n"
"\n"
"The grammar is strict (what the manifest says is written into a makefile): a line is\n"
"'cp URL .', 'cp URL.' or 'URL'; URL is s3://BUCKET/UUID or gs://BUCKET/UUID, optionally\n"
"followed by '/' and letters, digits, '.', '_', '-', '/', '*'. BUCKET follows S3's (GCS's)\n"
"naming rules and is one of IDC's: s3://idc-open-data, idc-open-data-two, idc-open-data-cr,\n"
"gs://idc-open-data, idc-open-idc1, idc-open-cr. CSV cells: collection_id is letters, digits,\n"
"'_', '-' and inner '.'; PatientID has no control character or '\\'; SeriesInstanceUID is a UID.\n"
"\n"
"  --collection C only the series whose collection_id is C (a CSV with that column; other\n"
"                 manifests are refused: they do not say)\n"
"  --modality M   only the series whose Modality is M; a manifest without a Modality column\n"
"                 keeps every series, and says so (CT-FM's query emits none: it selects CT)\n"
"  --limit N      only the first N series (after --collection and --modality, before --shard)\n"
"  --shard I/N    only shard I of N (1-based): series whose MD5(uuid) mod N is I-1; the N\n"
"                 shards are disjoint and together cover the manifest\n"
"  --tsv FILE     also write the plan as a table: scan, url, collection_id, PatientID,\n"
"                 SeriesInstanceUID (header line first)\n"
"  -o FILE        write the fragment to FILE (atomically) instead of standard output\n"
"  --bucket NAME  accept bucket NAME too (repeatable; the naming rules still apply)\n"
"  --any-bucket   accept every bucket the naming rules allow\n"
"\n"
"Exit status: 0 done, 1 bad manifest, 2 usage.\n";

#define MAX_BUCKETS 64

typedef struct {
	long limit;
	unsigned shard_i, shard_n;
	const char *tsv, *out, *manifest, *collection, *modality;
	const char *bucket[MAX_BUCKETS];
	ct_manifest_opts read;
} options;

static void parse_shard(const char *v, options *o)
{
	char *end;
	unsigned long i = strtoul(v, &end, 10);
	unsigned long n = *end == '/' ? strtoul(end + 1, &end, 10) : 0;
	if (*end || n < 1 || i < 1 || i > n || n > 1000000)
		ct_usage_error("--shard: '%s' is not I/N with 1 <= I <= N", v);
	o->shard_i = (unsigned)i;
	o->shard_n = (unsigned)n;
}

static options parse_args(int argc, char **argv)
{
	options o = {.limit = -1};
	static const struct option longopts[] = {
		{"limit", required_argument, 0, 'l'}, {"shard", required_argument, 0, 's'},
		{"tsv", required_argument, 0, 't'}, {"output", required_argument, 0, 'o'},
		{"bucket", required_argument, 0, 'b'}, {"any-bucket", no_argument, 0, 'a'},
		{"collection", required_argument, 0, 'c'}, {"modality", required_argument, 0, 'm'}, {0, 0, 0, 0}};
	int c;
	while ((c = ct_getopt(argc, argv, "o:", longopts)) != -1) {
		switch (c) {
		case 'l': o.limit = ct_cli_long("--limit", optarg, 0, 1L << 40); break;
		case 's': parse_shard(optarg, &o); break;
		case 't': o.tsv = optarg; break;
		case 'o': o.out = optarg; break;
		case 'b':
			if (o.read.nbuckets == MAX_BUCKETS)
				ct_usage_error("--bucket: at most %d", MAX_BUCKETS);
			o.bucket[o.read.nbuckets++] = optarg;
			break;
		case 'a': o.read.any_bucket = 1; break;
		case 'c': o.collection = optarg; break;
		case 'm': o.modality = optarg; break;
		}
	}
	if (optind != argc - 1)
		ct_usage_error("one MANIFEST expected");
	o.manifest = argv[optind];
	return o;
}

/* A collection id (lib/manifest.h holds it to letters, digits, '_', '-', '.'), or the stand-in. */
static void put_collection(FILE *f, const char *c)
{
	fputs(*c ? c : "unknown-collection", f);
}

/* The manifest's path in the fragment's comment line: a newline or a '\\' in it would carry the
 * comment on, or start a makefile line. */
static void put_comment_text(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f || *s == '\\' ? '?' : *s, f);
}

/* A manifest and which of its scans the options select (computed once: a shard costs an MD5). */
typedef struct {
	const options *o;
	const ct_manifest *m;
	unsigned char *keep;
	size_t chosen;
	char what[256];         /* " (collection C) (Modality M) (first N) (shard I/N)" */
} plan;

/* --collection and --modality: is scan s of the selection? */
static int wanted(const options *o, const ct_manifest *m, const ct_scan *s)
{
	return (!o->collection || !strcmp(s->collection, o->collection))
	       && (!o->modality || !m->has_modality || !strcmp(s->modality, o->modality));
}

static ct_code select_scans(plan *p)
{
	const options *o = p->o;
	if (o->collection && !p->m->has_collection)
		return ct_fail(CT_EDATA, "%s: --collection %s: the manifest has no collection_id column",
		               o->manifest, o->collection);
	if (o->modality && !p->m->has_modality)
		ct_info("%s: no Modality column: every series is taken as %s", o->manifest, o->modality);
	p->keep = calloc(p->m->n + 1, 1);
	if (!p->keep)
		return ct_fail(CT_ENOMEM, "out of memory");
	long taken = 0;
	for (size_t i = 0; i < p->m->n; i++) {
		int in = wanted(o, p->m, &p->m->scan[i]) && (o->limit < 0 || taken < o->limit);
		taken += in;
		p->keep[i] = in && (!o->shard_n || ct_scan_shard(p->m->scan[i].uuid, o->shard_n) == o->shard_i);
		p->chosen += p->keep[i];
	}
	if (o->collection)
		snprintf(p->what, sizeof p->what, " (collection %.80s)", o->collection);
	if (o->modality)
		snprintf(p->what + strlen(p->what), sizeof p->what - strlen(p->what), " (Modality %.40s)",
		         o->modality);
	if (o->limit >= 0)
		snprintf(p->what + strlen(p->what), sizeof p->what - strlen(p->what), " (first %ld)", o->limit);
	if (o->shard_n)
		snprintf(p->what + strlen(p->what), sizeof p->what - strlen(p->what), " (shard %u/%u)",
		         o->shard_i, o->shard_n);
	return CT_OK;
}

static void write_mk(FILE *f, const plan *p)
{
	fputs("# ct-plan: scans of ", f);
	put_comment_text(f, p->o->manifest);
	fprintf(f, "%s; generated, do not edit\nCT_SCANS :=", p->what);
	for (size_t i = 0; i < p->m->n; i++)
		if (p->keep[i])
			fprintf(f, " \\\n  %s", p->m->scan[i].uuid);
	fputc('\n', f);
	for (size_t i = 0; i < p->m->n; i++) {
		const ct_scan *s = &p->m->scan[i];
		if (!p->keep[i])
			continue;
		fprintf(f, "CT_URL.%s := %s://%s/%s/\nCT_COLL.%s := ", s->uuid, s->scheme, s->bucket, s->uuid, s->uuid);
		put_collection(f, s->collection);
		fputc('\n', f);
	}
}

static void write_tsv(FILE *f, const plan *p)
{
	fputs("scan\turl\tcollection_id\tPatientID\tSeriesInstanceUID\n", f);
	for (size_t i = 0; i < p->m->n; i++) {
		const ct_scan *s = &p->m->scan[i];
		if (!p->keep[i])
			continue;
		fprintf(f, "%s\t%s://%s/%s/\t", s->uuid, s->scheme, s->bucket, s->uuid);
		put_collection(f, s->collection);
		fputc('\t', f);
		ct_tsv_put(f, s->patient);
		fputc('\t', f);
		ct_tsv_put(f, s->series_uid);
		fputc('\n', f);
	}
}

/* Write with w to path (atomically), or to standard output when path is NULL. */
static ct_code write_to(const char *path, void (*w)(FILE *, const plan *), const plan *p)
{
	if (!path) {
		w(stdout, p);
		return fflush(stdout) ? ct_fail_errno(CT_EIO, "standard output") : CT_OK;
	}
	ct_atomic a;
	ct_code c = ct_atomic_open(&a, path);
	if (c)
		return c;
	w(ct_atomic_stream(&a), p);
	return ct_atomic_commit(&a);
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-plan", usage);
	options o = parse_args(argc, argv);
	o.read.buckets = o.bucket; /* into this copy: parse_args's own is gone */
	ct_manifest m;
	ct_code c = ct_manifest_read(o.manifest, &o.read, &m);
	if (c)
		ct_exit(c);
	plan p = {.o = &o, .m = &m};
	c = select_scans(&p);
	if (!c)
		c = write_to(o.out, write_mk, &p);
	if (!c && o.tsv)
		c = write_to(o.tsv, write_tsv, &p);
	if (!c)
		ct_info("%zu series in %s (%zu repeats dropped), %zu planned%s", m.n, o.manifest,
		        m.duplicates, p.chosen, p.what);
	free(p.keep);
	ct_manifest_free(&m);
	ct_exit(c);
}
