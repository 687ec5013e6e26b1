/* Fuzz lib/series (ct-series over the DICOM of a study, e.g. a CQ500 archive): the input is up
 * to four DICOM files joined by "\0CTFILE\0" (as the volume harness takes them), written into
 * an empty folder, their series described from the headers and ranked by the rule. Exactly one
 * series must be chosen when any has image slices. */
#include "fuzz.h"
#include "fs.h"
#include "series.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *dir = fuzz_files("study", data, size, 4);
	char *dirs[] = {dir};
	ct_series_list l;
	if (ct_series_scan(dirs, 1, 1, &l) == CT_OK) {
		if (ct_series_choose(&l, size % 2 ? 5 : 2.5) == CT_OK) {
			size_t chosen = 0;
			for (size_t i = 0; i < l.n; i++)
				chosen += l.s[i].rank == 1;
			if (chosen != 1)
				abort();
		}
		ct_series_free(&l);
	}
	free(dir);
	return 0;
}
