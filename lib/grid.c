/* grid.c: see grid.h. */
#include "grid.h"

#include <math.h>

/* plastimatch's rounding, saturated: positions from a hostile header can be 1e30 mm apart, and
 * casting a float beyond an int's range is undefined (the planes are then refused by count). */
static int round_int(float x)
{
	if (!(x > -1e9f && x < 1e9f))
		return x > 0 ? 1000000000 : -1000000000;
	return x > 0 ? (int)(x + 0.5f) : (int)ceilf(x - 0.5f);
}

/* plastimatch 1.9's grid: the longest run of steps equal within 0.11 mm (its running mean is
 * the spacing; the first longest wins), extended from the run's first and last real slices
 * by whole steps (rounded) towards the first and last slice. Float arithmetic, as
 * plastimatch's, so ties between neighbours fall the same way. */
ct_grid ct_grid_plan(const float *z, size_t n, float fallback)
{
	ct_grid g = {1, z[0], fallback > 0 ? fallback : 1, z[0], 0, z[0]};
	if (n < 2 || z[n - 1] - z[0] < 1e-3f)
		return g;
	float run_step = 0, best_step = 1, best_start = z[0], best_end = z[0];
	size_t run_len = 1, best_len = 1, run_first = 0;
	for (size_t i = 1; i < n; i++) {
		float d = z[i] - z[i - 1];
		if (run_len == 1 || fabsf(run_step - d) > 0.11f) {
			run_step = d;
			run_len = 2;
			run_first = i - 1;
		} else {
			run_step = (run_len * run_step + d) / (run_len + 1);
			run_len++;
		}
		/* A run of repeated positions is no spacing (plastimatch aborts on such series). */
		if (run_len > best_len && run_step > 1e-3f) { /* anchored at the run's real ends */
			best_len = run_len;
			best_step = run_step;
			best_start = z[run_first];
			best_end = z[i];
		}
	}
	int before = round_int((best_start - z[0]) / best_step);
	int after = round_int((z[n - 1] - best_end) / best_step);
	g.planes = (size_t)((long long)before + (long long)best_len + after);
	g.z0 = best_start - before * best_step;
	g.step = best_step;
	g.anchor = best_start;
	g.before = before;
	g.zfill = g.z0;

	return g;
}

/* For each plane: the nearest real slice (the first of equals), and for linear resampling the
 * slice below it and the weight of the one above. */
void ct_grid_fill(const ct_grid *g, const float *z, size_t n, size_t *near, size_t *lo, float *w)
{
	for (size_t k = 0; k < g->planes; k++) {
		float zk = g->zfill + k * g->step, best = INFINITY;
		for (size_t i = 0; i < n; i++)
			if (fabsf(z[i] - zk) < best) {
				best = fabsf(z[i] - zk);
				near[k] = i;
			}
		size_t l = 0;
		while (l + 1 < n && z[l + 1] <= zk)
			l++;
		lo[k] = l;
		w[k] = l + 1 < n && zk > z[l] ? (zk - z[l]) / (z[l + 1] - z[l]) : 0;
	}
}
