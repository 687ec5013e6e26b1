/* zenodo.h: what Zenodo's record API says about one file of a record.
 *
 * GET <base>/api/records/<id> answers JSON with files[] = {key, size, checksum: "md5:<hex>"}.
 * The download URL is built from base, not taken from the JSON's links (those name
 * zenodo.org even when base is a mirror or a test server):
 * <base>/records/<id>/files/<key>?download=1.
 * The GET goes through lib/http: retried on 429 and 5xx (honouring Retry-After, bounded) and on
 * broken connections.
 */
#ifndef CT_ZENODO_H
#define CT_ZENODO_H

#include "digest.h"
#include "err.h"

typedef struct {
	char *name;
	long long size;
	char md5[CT_HEX_MAX];
	char *url;
} ct_zenodo_file;

/* name NULL: the record must hold exactly one file. */
ct_code ct_zenodo_lookup(const char *base, const char *record, const char *name, ct_zenodo_file *out);
/* The same from a JSON text already in memory (what the lookup does after its GET). */
ct_code ct_zenodo_parse(const char *json, size_t len, const char *base, const char *record,
                        const char *name, ct_zenodo_file *out);
void ct_zenodo_file_free(ct_zenodo_file *f);

#endif
