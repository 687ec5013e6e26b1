/* Fuzz lib/manifest (ct-plan's reader): plain s5cmd/URL lines and CSV exports (the same input is
 * read as IDC-only and with any well-formed bucket), then what ct-plan derives from each scan. */
#include "fuzz.h"
#include "manifest.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = fuzz_file("manifest.txt", data, size);
	const ct_manifest_opts any = {.any_bucket = 1};
	const ct_manifest_opts *opts[] = {NULL, &any};
	for (int k = 0; k < 2; k++) {
		ct_manifest m;
		if (ct_manifest_read(path, opts[k], &m) != CT_OK)
			continue;
		for (size_t i = 0; i < m.n; i++) {
			const ct_scan *s = &m.scan[i];
			/* What the plan writes must stay inside the grammar the header promises. */
			if (strlen(s->uuid) != 36 || strcspn(s->bucket, "$()#;\\ \t\r\n'\"`") != strlen(s->bucket) ||
			    strcspn(s->collection, "$()#;\\ \t\r\n'\"`/") != strlen(s->collection))
				abort();
			ct_scan_shard(s->uuid, 7);
		}
		ct_manifest_free(&m);
	}
	free(path);
	return 0;
}
