/* labelmap.h: TotalSegmentator's per-class masks merged into one label map, through nifti_clib.
 *
 * A case directory holds ct.nii.gz and segmentations/<class>.nii.gz, one binary mask per class.
 * Every class of the table must have its mask; each mask must lie on the CT's grid (same
 * dimensions, same voxel-to-world matrix within 1e-3 mm). A voxel takes the id of every mask
 * that is non-zero there, in increasing id order, so where masks overlap the higher id wins;
 * the overlaps are counted per pair of classes and returned. The label map is written uint8
 * (ids up to 255) or int16, with the CT's header (grid, qform, sform), atomically.
 */
#ifndef CT_LABELMAP_H
#define CT_LABELMAP_H

#include "err.h"

#include <stddef.h>

typedef struct {
	int id;
	char *name;
} ct_class;

typedef struct {
	ct_class *cls;
	size_t n;
} ct_classes;

/* A tab-separated table (lib/table) with columns id and name, ids 1..32767 increasing; lines
 * starting with '#' are comments. */
ct_code ct_classes_read(const char *path, ct_classes *out);
void ct_classes_free(ct_classes *c);

typedef struct {
	int lower, higher; /* class ids */
	size_t voxels;
} ct_overlap;

typedef struct {
	ct_overlap *pair;
	size_t n;
} ct_overlaps;

ct_code ct_labelmap_merge(const char *casedir, const ct_classes *classes, const char *out, ct_overlaps *overlaps);
void ct_overlaps_free(ct_overlaps *o);

#endif
