/* manifest.h: the series an IDC manifest names, once each, in manifest order.
 *
 * Accepted forms, one series per line: s5cmd lines `cp s3://BUCKET/<uuid>/<star> .`,
 * `…/<star>.`, `cp s3://BUCKET/<uuid>/<instance>.dcm.`, bare `s3://BUCKET/<uuid>/<star>` or
 * `s3://BUCKET/<uuid>/` (<star> is the shell wildcard),
 * the same with gs://; `#` comments, blank lines, CRLF, a UTF-8 BOM. Or a CSV export with a
 * header naming a cp_command or series_aws_url column (optional collection_id, PatientID,
 * SeriesInstanceUID, Modality). The series is the path segment after the bucket, a crdc_series_uuid.
 * A line naming a series already seen is dropped (first wins; a different bucket for the same
 * series is an error). Any other line is an error "MANIFEST:LINE: why".
 *
 * The grammar is strict, because what a manifest names ends up in a generated makefile, in
 * shell recipes and in paths, and a guess would let text from the manifest change what Make
 * runs. A line is `cp URL .`, `cp URL.` or `URL`, with blanks around; URL is
 * s3://BUCKET/UUID or gs://BUCKET/UUID, then optionally '/' and letters, digits, '.', '_',
 * '-', '/', '*'. BUCKET follows S3's naming rules (GCS's for gs://: '_' too, no "goog") and
 * must be one of IDC's buckets (s3: idc-open-data, idc-open-data-two, idc-open-data-cr; gs:
 * idc-open-data, idc-open-idc1, idc-open-cr) unless opts names it or allows any. From a CSV:
 * collection_id is letters, digits, '_', '-' and inner '.' (64 at most), PatientID has no
 * control character and no '\' (64 at most), SeriesInstanceUID is digits and dots.
 */
#ifndef CT_MANIFEST_H
#define CT_MANIFEST_H

#include "err.h"

#include <stddef.h>

typedef struct {
	char uuid[37];
	char scheme[3];      /* "s3" or "gs" */
	char *bucket;
	char *collection;    /* "" when the manifest does not say */
	char *patient;       /* "" when the manifest does not say */
	char *series_uid;    /* "" when the manifest does not say */
	char *modality;      /* "" when the manifest does not say */
	long line;
} ct_scan;

typedef struct {
	ct_scan *scan;
	size_t n, cap;
	size_t duplicates;   /* lines dropped as repeats */
	int has_collection, has_modality; /* a CSV with a collection_id, a Modality column */
} ct_manifest;

typedef struct {
	const char *const *buckets; /* accepted besides IDC's (any scheme) */
	size_t nbuckets;
	int any_bucket;             /* any name the bucket rules allow */
} ct_manifest_opts;

/* opts NULL: IDC's buckets only. */
ct_code ct_manifest_read(const char *path, const ct_manifest_opts *opts, ct_manifest *m);
void ct_manifest_free(ct_manifest *m);

/* Which of n shards (1-based) a series belongs to: the first 8 bytes of MD5(uuid), big-endian,
 * modulo n, plus 1. Stable across machines and runs, so shards are disjoint and cover all. */
unsigned ct_scan_shard(const char *uuid, unsigned n);

#endif
