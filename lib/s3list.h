/* s3list.h: the ListObjectsV2 listing of an S3 (or GCS XML API) prefix, parsed with expat.
 *
 * ct_s3list_path() builds the request path of one page ("BUCKET?list-type=2&prefix=...", the
 * continuation token URL-encoded: S3's tokens hold '+', '/' and '='). ct_s3list_parse() adds
 * one page's objects to a listing and records IsTruncated and NextContinuationToken. ETags are
 * stored as the server meant them: XML-unescaped (expat), quotes removed, case kept.
 * Nothing here judges keys: callers check them (ct_s3_name_of()).
 */
#ifndef CT_S3LIST_H
#define CT_S3LIST_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	char *key;
	uint64_t size;
	char *etag; /* unquoted; "" when the listing gave none */
} ct_s3_object;

typedef struct {
	ct_s3_object *v;
	size_t n, cap;
	bool truncated;   /* of the last page parsed */
	char *next_token; /* of the last page parsed, NULL if none */
} ct_s3_listing;

/* "BUCKET?list-type=2&prefix=P[&continuation-token=T]", malloc'd (NULL when out of memory). */
char *ct_s3list_path(const char *bucket, const char *prefix, const char *token);
/* Parse one page (what names the page in messages: where). */
ct_code ct_s3list_parse(ct_s3_listing *l, const char *xml, size_t len, const char *where);
void ct_s3list_free(ct_s3_listing *l);

/* The file name of key under prefix, or NULL with a reason when the key is not a plain file name
 * right under the prefix (outside the prefix, empty, with '/', "..", a leading '.', a control
 * character, or ending in ".part"/".tmp.*", names ct-fetch uses for its own files). */
const char *ct_s3_name_of(const char *key, const char *prefix, const char **why);

/* What an ETag says about the bytes: 1 = it is their hex MD5, 2 = multipart ("<hex>-<parts>",
 * size is all one can check), 0 = opaque. */
int ct_s3_etag_kind(const char *etag);

#endif
