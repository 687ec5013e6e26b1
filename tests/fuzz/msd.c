/* Fuzz lib/datalist's MSD reader (a task's dataset.json, from the Decathlon's tars, through
 * jansson): the input is Task/dataset.json under a base folder holding two of the files such a
 * list names; the datalist is built and written. Every path it takes must be a safe relative
 * path under the base. */
#include "fuzz.h"
#include "datalist.h"
#include "fs.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *base;
	if (!base) {
		base = ct_path_join(fuzz_dir(), "msd");
		free(fuzz_file("msd/Task09_Spleen/imagesTr/spleen_2.nii.gz", (const uint8_t *)"x", 1));
		free(fuzz_file("msd/Task09_Spleen/labelsTr/spleen_2.nii.gz", (const uint8_t *)"x", 1));
	}
	char *json = fuzz_file("msd/Task09_Spleen/dataset.json", data, size);
	ct_datalist d;
	if (ct_datalist_init(&d) == CT_OK && ct_datalist_add_msd(&d, json, "Task09_Spleen", base) == CT_OK) {
		char *out = ct_path_join(fuzz_dir(), "datalist.json");
		ct_datalist_write(&d, out);
		free(out);
	}
	ct_datalist_free(&d);
	free(json);
	return 0;
}
