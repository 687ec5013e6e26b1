/* Fuzz lib/verified's journal reader (DIR/.ct-fetch-journal, read back by every resumed
 * ct-fetch): open it, look names up, append one line and read it again. */
#include "fuzz.h"
#include "verified.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_clear("j");
	char *path = fuzz_file("j/.ct-fetch-journal", data, size);
	char *dir = strdup(path);
	*strrchr(dir, '/') = 0;
	ct_journal j;
	if (ct_journal_open(&j, dir) == CT_OK) {
		for (size_t i = 0; i < j.n; i++)
			if (ct_journal_find(&j, j.v[i].name) != &j.v[i])
				abort(); /* one entry a name, sorted: each is found */
		ct_vfile f = {.name = "00001.dcm", .size = 3, .md5 = "900150983cd24fb0d6963f7d28e17f72", .how = "etag",
		              .etag = "900150983cd24fb0d6963f7d28e17f72"};
		ct_journal_append(&j, &f, 1);
	}
	ct_journal_close(&j);
	ct_journal j2;
	if (ct_journal_open(&j2, dir) == CT_OK && !ct_journal_find(&j2, "00001.dcm"))
		abort(); /* what was appended is there after a re-open */
	ct_journal_close(&j2);
	free(dir);
	free(path);
	return 0;
}
