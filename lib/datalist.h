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
void ct_datalist_free(ct_datalist *d);

#endif
