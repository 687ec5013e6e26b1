/* Fuzz the folder -> volume path (lib/slices, lib/volume over lib/dicom, lib/grid; lib/meta,
 * lib/record): the input is up to four DICOM files joined by the 8-byte separator "\0CTFILE\0"
 * (the seeds are real series joined so), written into an empty folder, its series chosen and
 * converted as ct-convert converts it (bad files skipped, as --skip-bad-files, for half the
 * inputs), then its record written.
 * Volumes are held to 2^22 voxels here (CT_VOLUME_MAX_VOXELS is 2^31): the limit's check is
 * the same, the memory a fuzzer can afford is not. */
#include "fuzz.h"
#include "dicom.h"
#include "fs.h"
#include "meta.h"
#include "record.h"
#include "slices.h"
#include "volume.h"

#include <stdio.h>
#include <stdlib.h>

/* The record ct-convert --meta would write, into memory. */
static void write_record(const ct_slices *s, const ct_volume *v)
{
	ct_record r = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f && ct_meta_of_scan(&r, s, v, "/scan.nrrd") == CT_OK) {
		ct_record_put_header(f);
		ct_record_put_row(f, &r);
	}
	if (f)
		fclose(f);
	free(buf);
	ct_record_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *dir = fuzz_files("series", data, size, 4);
	ct_volume_opts o = {.threads = 1, .max_voxels = (size_t)1 << 22,
	                    .resample = size % 2 ? CT_RESAMPLE_LINEAR : CT_RESAMPLE_NEAREST};
	ct_slices_opts so = {.threads = 1, .skip_bad_files = size % 4 >= 2};
	ct_slices s;
	ct_volume v;
	if (ct_slices_read(dir, &so, &s) == CT_OK) {
		if (ct_volume_load(&s, &o, &v) == CT_OK) {
			write_record(&s, &v);
			ct_volume_free(&v);
		}
		ct_slices_free(&s);
	}
	free(dir);
	return 0;
}
