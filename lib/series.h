/* series.h: the CT series found in DICOM folders, described from their headers, and the one a
 * plain-CT rule picks (a study of several series: thin and thick, soft and bone kernels).
 *
 * ct_series_scan() reads the header of every regular file at the top of each folder
 * (lib/headers; files that are not DICOM, or whose header cannot be read, are counted and
 * skipped) and groups the files by SeriesInstanceUID across the folders. Each series is described by its first file in name
 * order (folders in the order given): SeriesNumber, SeriesDescription, ConvolutionKernel,
 * SliceThickness, ImageType, ContrastBolusAgent, Modality, GantryDetectorTilt, Rows/Columns,
 * and counted: image slices (Rows and Columns set, LOCALIZER not one of ImageType's values),
 * localizers, other objects.
 *
 * ct_series_choose() ranks them by the rule (documented in ct-series --help, the user's copy):
 * a series is eligible when it is CT with image slices, axial (its slice normal within 45
 * degrees of the patient's feet-head axis), SliceThickness at most max_thickness, not a sharp
 * kernel (BONE, DETAIL, EDGE, LUNG or SHARP in SeriesDescription or ConvolutionKernel, or a
 * Siemens-style kernel, a letter and two digits, numbered 60 or more, e.g. H70h) and not
 * contrast-enhanced (a ContrastBolusAgent other than NONE/NO, or SeriesDescription saying POST,
 * or CONTRAST without PRE, NON or PLAIN). Eligible series rank first, then the other image
 * series; within each, more image slices first, then the thinner, then the smaller UID (byte
 * order). Rank 1 is the choice; every series gets a reason (why).
 */
#ifndef CT_SERIES_H
#define CT_SERIES_H

#include "err.h"

#include <stddef.h>

#define CT_SERIES_TEXT 128

typedef struct {
	char uid[68], modality[20], description[CT_SERIES_TEXT], kernel[CT_SERIES_TEXT],
	     image_type[CT_SERIES_TEXT], contrast[CT_SERIES_TEXT], thickness_text[32], number[16];
	double thickness, gantry_tilt, normal_z; /* normal_z: |cosine| of the normal to the z axis */
	int has_thickness, has_normal, rows, cols, mixed_size;
	size_t slices, localizers, other;        /* image slices, localizers, non-image objects */
	/* the rule's verdict */
	int eligible, rank;                      /* rank 1: chosen; 0: no image slices, not ranked */
	char why[320];
} ct_series;

typedef struct {
	ct_series *s;
	size_t n;
	size_t files, not_dicom;
} ct_series_list;

/* The series of the files at the top of dirs[0..ndirs) (threads 0: one per CPU). CT_EDATA when
 * a folder cannot be read. */
ct_code ct_series_scan(char *const *dirs, size_t ndirs, int threads, ct_series_list *out);
/* Ranks l->s (reordered by rank, unranked last) and fills each why. CT_EDATA, naming what was
 * found, when no series has image slices. */
ct_code ct_series_choose(ct_series_list *l, double max_thickness);
void ct_series_free(ct_series_list *l);

#endif
