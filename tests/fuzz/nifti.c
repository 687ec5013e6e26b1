/* Fuzz lib/labelmap's NIfTI path (nifti_clib): the input is a case's ct.nii.gz and its one
 * class mask (znz reads a file that is not gzip as it is), merged into a label map. */
#include "fuzz.h"
#include "fs.h"
#include "labelmap.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_clear("case");
	char *ct = fuzz_file("case/ct.nii.gz", data, size);
	char *mask = fuzz_file("case/segmentations/liver.nii.gz", data, size);
	char *out = ct_path_join(fuzz_dir(), "label.nii.gz");
	char *casedir = ct_path_join(fuzz_dir(), "case");
	ct_class cls = {5, "liver"};
	ct_classes classes = {&cls, 1};
	ct_overlaps o;
	if (ct_labelmap_merge(casedir, &classes, out, &o) == CT_OK)
		ct_overlaps_free(&o);
	free(ct), free(mask), free(out), free(casedir);
	return 0;
}
