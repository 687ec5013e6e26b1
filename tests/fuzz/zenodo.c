/* Fuzz lib/zenodo: a record's JSON, asked for its one file and for a named one. */
#include "fuzz.h"
#include "zenodo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *names[] = {NULL, "Totalsegmentator_dataset_v2.zip"};
	for (int k = 0; k < 2; k++) {
		ct_zenodo_file f;
		if (ct_zenodo_parse((const char *)data, size, "http://127.0.0.1:1", "8367088", names[k], &f) == CT_OK)
			ct_zenodo_file_free(&f);
	}
	return 0;
}
