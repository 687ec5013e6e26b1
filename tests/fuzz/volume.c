/* Fuzz the folder -> volume path (lib/volume over lib/dicom, lib/grid): the input is up to four
 * DICOM files joined by the 8-byte separator "\0CTFILE\0" (the seeds are real series joined so),
 * written into an empty folder and converted as ct-convert converts it, then its record.
 * Volumes are held to 2^22 voxels here (CT_VOLUME_MAX_VOXELS is 2^31): the limit's check is
 * the same, the memory a fuzzer can afford is not. */
#include "fuzz.h"
#include "dicom.h"
#include "fs.h"
#include "volume.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sep[8] = "\0CTFILE\0";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_clear("series");
	const uint8_t *p = data, *end = data + size;
	for (int i = 0; i < 4 && p <= end; i++) {
		const uint8_t *next = i < 3 ? memmem(p, (size_t)(end - p), sep, sizeof sep) : NULL;
		size_t len = next ? (size_t)(next - p) : (size_t)(end - p);
		char name[32];
		snprintf(name, sizeof name, "series/IM%d.dcm", i);
		free(fuzz_file(name, p, len));
		if (!next)
			break;
		p = next + sizeof sep;
	}
	char *dir = ct_path_join(fuzz_dir(), "series");
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
