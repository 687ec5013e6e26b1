/* volume.h: one CT series from a folder of DICOM files, laid out as plastimatch lays it out.
 *
 * ct_volume_load() reads the top level of DIR (as plastimatch does), headers first and on
 * several threads; non-DICOM files are skipped, localizers (LOCALIZER in ImageType) and
 * non-image objects set aside. It takes the series with most image slices (ties: the smaller
 * SeriesInstanceUID) unless opts names one, and then:
 *  - checks every slice has ImagePositionPatient, ImageOrientationPatient, PixelSpacing, the
 *    same Rows/Columns, orientation and pixel spacing (an error names the file and the tag);
 *  - orders slices by their position along the slice normal (never by name or InstanceNumber);
 *    slices at the same position are dropped when their HU are identical, an error otherwise;
 *  - lays a regular grid along the normal as plastimatch 1.9 does: the longest run of equal
 *    steps (within 0.11 mm; repeated positions count, as in plastimatch) gives the spacing,
 *    the grid extends from that run's ends by whole steps to the first and last slice, and
 *    each plane is a copy of the nearest real slice (ties: the lower one), or, with
 *    CT_RESAMPLE_LINEAR, interpolated between its two neighbours;
 *  - HU = stored value x RescaleSlope + RescaleIntercept, per slice; int16 when every slope and
 *    intercept is an integer and every HU fits (float otherwise), unless the type is forced;
 *  - geometry in LPS: directions = row/column cosines x PixelSpacing and normal x grid step,
 *    origin = the first plane. Gantry tilt (the angle between the normal and the line through
 *    the slice positions) is measured and recorded, not corrected (as plastimatch).
 * The result is the same for any number of threads.
 */
#ifndef CT_VOLUME_H
#define CT_VOLUME_H

#include "err.h"
#include "nrrd.h"

#include <stddef.h>

typedef enum { CT_TYPE_AUTO, CT_TYPE_SHORT, CT_TYPE_FLOAT } ct_hu_type;
typedef enum { CT_RESAMPLE_NEAREST, CT_RESAMPLE_LINEAR } ct_resample;

typedef struct ct_volume ct_volume;

/* A taker of the voxels while they are decoded (ct-convert compresses them as they come). */
typedef struct {
	/* v->nrrd (type, sizes, geometry) is final and v->data allocated, not yet filled; say how
	 * the data will be taken: *pieces pieces of *piece bytes (the last may be shorter). */
	ct_code (*begin)(void *ctx, const ct_volume *v, size_t *piece, size_t *pieces);
	/* Piece k's bytes are final. Called from worker threads, about in order, each k once. */
	ct_code (*piece)(void *ctx, size_t k);
	/* What was begun is void: HU beyond int16 were found, begin() comes again with float. */
	void (*cancel)(void *ctx);
	void *ctx;
} ct_volume_sink;

typedef struct {
	const char *series_uid; /* NULL: the series with most image slices */
	ct_hu_type type;
	ct_resample resample;
	int threads;            /* 0: one per online CPU */
	const ct_volume_sink *sink; /* NULL: none */
	size_t max_voxels;      /* 0: CT_VOLUME_MAX_VOXELS */
} ct_volume_opts;

/* The most voxels a volume may have (its planes are held in memory whole: 4 GiB as int16, 8 GiB
 * as float); slices are at most CT_DICOM_MAX_PIXELS (lib/dicom.h), planes at most 20,000. */
#define CT_VOLUME_MAX_VOXELS ((size_t)1 << 31)

#define CT_META_TEXT 256

/* What the --meta record holds: CT-FM's header columns (text as in the first slice's header,
 * multi-values joined by '/') and what the conversion found. */
typedef struct {
	char series_uid[CT_META_TEXT], patient_id[CT_META_TEXT], body_part[CT_META_TEXT],
	     contrast[CT_META_TEXT], image_type[CT_META_TEXT], study_uid[CT_META_TEXT],
	     time_point[CT_META_TEXT], pixel_spacing[CT_META_TEXT], slice_thickness[CT_META_TEXT],
	     kernel[CT_META_TEXT], recon_diameter[CT_META_TEXT], manufacturer[CT_META_TEXT],
	     transfer_syntax[CT_META_TEXT];
	size_t num_instances;   /* DICOM instances of the series, localizers included */
	size_t real_slices;     /* distinct positions */
	size_t duplicates;      /* files dropped as identical duplicates */
	size_t other_series, localizers, non_image, non_dicom; /* set aside in DIR */
	double hu_min, hu_max;
	int irregular;          /* the grid is not the real slices (gap or uneven steps) */
	double tilt_deg;
	/* CT-FM's quality filters, 1 when the series passes */
	int thickness_1_5mm, more_than_50_slices, unique_positions, no_localizer;
} ct_volume_meta;

struct ct_volume {
	ct_nrrd nrrd;   /* type, sizes (columns, rows, planes), directions, origin */
	void *data;     /* int16 or float HU, columns fastest */
	ct_volume_meta meta;
};

ct_code ct_volume_load(const char *dir, const ct_volume_opts *opts, ct_volume *v);
void ct_volume_free(ct_volume *v);

/* The --meta record: a header line and one row, tab-separated (malloc'd). Tabs and newlines in
 * values become spaces. */
char *ct_volume_meta_tsv(const ct_volume *v);

#endif
