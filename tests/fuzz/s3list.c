/* Fuzz lib/s3list: one or two ListObjectsV2 pages (split at the first NUL byte) into one
 * listing, then every key judged as ct-fetch judges it. */
#include "fuzz.h"
#include "s3list.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *xml = (const char *)data;
	const char *nul = memchr(xml, 0, size);
	size_t first = nul ? (size_t)(nul - xml) : size;
	ct_s3_listing l = {0};
	if (ct_s3list_parse(&l, xml, first, "page 1") == CT_OK && nul)
		ct_s3list_parse(&l, nul + 1, size - first - 1, "page 2");
	for (size_t i = 0; i < l.n; i++) {
		const char *why;
		const char *name = ct_s3_name_of(l.v[i].key, "ser/", &why);
		if (name && (strchr(name, '/') || !strcmp(name, "..") || name[0] == '.'))
			abort(); /* a name ct_s3_name_of lets through must be a plain file name */
		ct_s3_etag_kind(l.v[i].etag);
	}
	char *path = ct_s3list_path("idc-open-data", "ser/", l.next_token);
	free(path);
	ct_s3list_free(&l);
	return 0;
}
