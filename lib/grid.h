/* grid.h: the regular grid plastimatch 1.9 lays over a CT series' slice positions.
 *
 * Positions are along the slice normal, sorted, in single precision, and every operation is
 * rounded as plastimatch rounds it, so that ties between neighbouring slices fall the same way.
 * The spacing is the running mean of the longest run of steps equal within 0.11 mm (the first
 * longest wins; repeated positions break a run and are no spacing); the grid extends from the
 * run's first and last real slices by whole steps (rounded) to the first and last slice. Each
 * plane then shows its nearest slice (ties: the lower), or, resampling linearly, a blend of the
 * slices below and above it.
 */
#ifndef CT_GRID_H
#define CT_GRID_H

#include <stddef.h>

typedef struct {
	size_t planes;
	float z0, step;   /* plane k lies at z0 + k x step */
	float anchor;     /* position of the real slice the grid is laid from (the run's first) */
	int before;       /* planes below it */
	float zfill;      /* plane 0's position as plastimatch measures it when it picks the
	                   * nearest slice (z0 unless the caller sets it, see volume.c) */
} ct_grid;

/* The grid over n sorted positions z (n >= 1); with fewer than two distinct positions, one
 * plane of thickness fallback (1 if fallback <= 0). */
ct_grid ct_grid_plan(const float *z, size_t n, float fallback);
/* For each of g->planes planes: near[k], the nearest of the n (distinct, sorted) positions;
 * lo[k], the last position at or below the plane, and w[k], the weight of the one above it. */
void ct_grid_fill(const ct_grid *g, const float *z, size_t n, size_t *near, size_t *lo, float *w);

#endif
