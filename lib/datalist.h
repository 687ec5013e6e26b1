/* datalist.h: MONAI-style datalists, what CT-FM's downstream code loads:
 * {"training": [{"image": …, "label": …}, …], "validation": […], "testing": […]}, paths
 * relative to the dataset folder. Built with jansson, keys in insertion order, written
 * atomically (lib/fs.h) with a final newline.
 */
#ifndef CT_DATALIST_H
#define CT_DATALIST_H

#include "err.h"

#include <jansson.h>

typedef struct {
	json_t *root;
} ct_datalist;

ct_code ct_datalist_init(ct_datalist *d);
/* The section a split name belongs to: train/training → "training", val/validation →
 * "validation", test/testing → "testing" (case-insensitive); NULL for anything else. */
const char *ct_datalist_section(const char *split);
/* Append item (a reference is stolen) to section. */
ct_code ct_datalist_add(ct_datalist *d, const char *section, json_t *item);
ct_code ct_datalist_write(const ct_datalist *d, const char *path);
/* CT_OK when base/rel is a regular file, else CT_EDATA naming where, rel and base. */
ct_code ct_datalist_check_file(const char *base, const char *rel, const char *where);
/* An MSD task's dataset.json at json_path: each training[] entry ({image, label} or a path) as a
 * "training" item {image, label, task}, each test[] entry as a "testing" item {image, task};
 * its paths ("./imagesTr/x.nii.gz") are taken under the task folder, prefix (relative to base,
 * its last component the task), and must be safe relative paths naming files under base. */
ct_code ct_datalist_add_msd(ct_datalist *d, const char *json_path, const char *prefix, const char *base);
void ct_datalist_free(ct_datalist *d);

#endif
