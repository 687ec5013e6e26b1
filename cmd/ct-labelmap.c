/* ct-labelmap: one TotalSegmentator case's masks merged into label.nii.gz (lib/labelmap.h). */
#include "cli.h"
#include "labelmap.h"
#include "log.h"

#include <getopt.h>
#include <stdlib.h>

static const char usage[] =
"usage: ct-labelmap --classes TSV CASEDIR OUT\n"
"Merge CASEDIR/segmentations/<class>.nii.gz, one mask per class of TSV (\"id<TAB>name\" lines,\n"
"e.g. totalsegmentator-v2-classes.tsv), into one label map OUT (.nii.gz) on the grid of\n"
"CASEDIR/ct.nii.gz: each voxel holds the id of its class, 0 for none. Every mask must exist and\n"
"lie on the CT's grid; masks may be of any integer or float datatype (non-zero = inside).\n"
"Where masks overlap the higher id wins, and the overlaps are reported (voxels per pair).\n"
"OUT is written atomically.\n"
"  --classes TSV   the class table (required)\n"
"  -h, --help      this text\n"
"Exit status: 0 written, 1 a mask missing, unreadable or off the grid, 2 usage.\n";

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-labelmap", usage);
	static const struct option opts[] = {{"classes", required_argument, 0, 'c'}, {0, 0, 0, 0}};
	const char *tsv = NULL;
	int c;
	while ((c = ct_getopt(argc, argv, "", opts)) != -1)
		tsv = optarg; /* --classes, the only option */
	if (!tsv || argc - optind != 2)
		ct_usage_error("expected --classes TSV CASEDIR OUT");
	ct_classes classes;
	ct_code code = ct_classes_read(tsv, &classes);
	ct_overlaps ov = {0};
	if (code == CT_OK)
		code = ct_labelmap_merge(argv[optind], &classes, argv[optind + 1], &ov);
	for (size_t i = 0; i < ov.n; i++)
		ct_warn("%s: %zu voxels in both class %d and class %d: %d kept", argv[optind], ov.pair[i].voxels,
		        ov.pair[i].lower, ov.pair[i].higher, ov.pair[i].higher);
	ct_overlaps_free(&ov);
	ct_classes_free(&classes);
	ct_exit(code);
}
