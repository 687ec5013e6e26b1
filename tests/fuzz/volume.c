/* Fuzz the folder -> volume path (lib/volume over lib/dicom, lib/grid): the input is up to four
 * DICOM files joined by the 8-byte separator "\0CTFILE\0" (the seeds are real series joined so),
 * written into an empty folder and converted as ct-convert converts it, then its record.
 * Volumes are held to 2^22 voxels here (CT_VOLUME_MAX_VOXELS is 2^31): the limit's check is
 * the same, the memory a fuzzer can afford is not. */
#include "fuzz.h"
#include "dicom.h"
#include "fs.h"
#include "volume.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *dir = fuzz_files("series", data, size, 4);
	ct_volume_opts o = {.threads = 1, .max_voxels = (size_t)1 << 22,
	                    .resample = size % 2 ? CT_RESAMPLE_LINEAR : CT_RESAMPLE_NEAREST};
	ct_volume v;
	if (ct_volume_load(dir, &o, &v) == CT_OK) {
		free(ct_volume_meta_tsv(&v));
		ct_volume_free(&v);
	}
	free(dir);
	return 0;
}
