/* volume.h: one CT series' slices (lib/slices) decoded and laid out as plastimatch lays them out.
 *
 * ct_volume_load() takes the slices ct_slices_read() chose and checked, and:
 *  - orders them by their position along the slice normal (never by name or InstanceNumber);
 *    slices at the same position are dropped when their HU are identical, an error otherwise;
 *  - lays a regular grid along the normal as plastimatch 1.9 does (lib/grid): the longest run
 *    of equal steps (within 0.11 mm; repeated positions count, as in plastimatch) gives the
 *    spacing, the grid extends from that run's ends by whole steps to the first and last slice,
 *    and each plane is a copy of the nearest real slice (ties: the lower one), or, with
 *    CT_RESAMPLE_LINEAR, interpolated between its two neighbours;
 *  - decodes the slices on several threads (uncompressed ones read straight from the file,
 *    the others through lib/dicom) and hands the voxels to a sink piece by piece as they are
 *    final, so the caller compresses while later slices are decoded; a slice that fails to
 *    decode fails the volume, naming the file (and v->bad says which);
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
#include "slices.h"

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
	ct_hu_type type;
	ct_resample resample;
	int threads;            /* 0: one per online CPU */
	const ct_volume_sink *sink; /* NULL: none */
	size_t max_voxels;      /* 0: CT_VOLUME_MAX_VOXELS */
} ct_volume_opts;

/* The most voxels a volume may have (its planes are held in memory whole: 4 GiB as int16, 8 GiB
 * as float); slices are at most CT_DICOM_MAX_PIXELS (lib/dicom.h), planes at most 20,000. */
#define CT_VOLUME_MAX_VOXELS ((size_t)1 << 31)

struct ct_volume {
	ct_nrrd nrrd;   /* type, sizes (columns, rows, planes), directions, origin */
	void *data;     /* int16 or float HU, columns fastest */
	/* The series' slices in the order used: real_slices at distinct positions, in order along
	 * the normal, then the duplicates dropped (each identical to a slice before it). */
	const ct_slice **order;
	size_t real_slices, duplicates;
	double hu_min, hu_max;
	int irregular;  /* the grid is not the real slices (gap or uneven steps) */
	double tilt_deg;
	/* When loading failed because a slice's pixel data could not be decoded (or read): that
	 * slice (the caller may drop it and try again, ct_slices_skip()); NULL otherwise. */
	const ct_slice *bad;
};

/* The volume of s's slices (s must outlive v: v->order points into it). */
ct_code ct_volume_load(const ct_slices *s, const ct_volume_opts *opts, ct_volume *v);
void ct_volume_free(ct_volume *v);

#endif
