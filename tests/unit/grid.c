/* Unit tests: plastimatch's regular grid over slice positions (lib/grid). The end-to-end tests
 * (t/3000, t/3006) check the same rules against plastimatch itself; these name each rule. */
#include "grid.h"
#include "tap.h"

#include <math.h>
#include <stddef.h>

static int close_to(float a, float b)
{
	return fabsf(a - b) < 1e-5f;
}

int main(void)
{
	float even[] = {0, 1.25f, 2.5f, 3.75f, 5};
	ct_grid g = ct_grid_plan(even, 5, 3);
	CHECK(g.planes == 5 && close_to(g.step, 1.25f) && close_to(g.z0, 0), "even steps: one plane per slice");

	/* 0 1 2 _ 4 5: the first run (0-1-2, step 1) is the longest; the grid reaches 5 by whole steps. */
	float gap[] = {0, 1, 2, 4, 5};
	g = ct_grid_plan(gap, 5, 3);
	CHECK(g.planes == 6 && close_to(g.step, 1) && close_to(g.anchor, 0) && g.before == 0,
	      "a missing slice: six planes a step apart, laid from the first run");
	size_t near[6], lo[6];
	float w[6];
	ct_grid_fill(&g, gap, 5, near, lo, w);
	CHECK(near[0] == 0 && near[1] == 1 && near[2] == 2 && near[3] == 2 && near[4] == 3 && near[5] == 4,
	      "nearest slices; the empty plane, half-way, takes the lower one");
	CHECK(lo[3] == 2 && close_to(w[3], 0.5f) && lo[4] == 3 && close_to(w[4], 0),
	      "linear: the empty plane is half of each neighbour; a real plane is itself");

	/* 0 1 2.05 3: steps within 0.11 mm of the running mean are one run, spaced by that mean. */
	float uneven[] = {0, 1, 2.05f, 3};
	g = ct_grid_plan(uneven, 4, 3);
	CHECK(g.planes == 4 && close_to(g.step, 1.0f), "steps within 0.11 mm: one run, spaced by their mean (%g)", (double)g.step);

	/* 0 3 4 5 6: the longest run (3-6) is laid first, then extended down by a rounded step count. */
	float late[] = {0, 3, 4, 5, 6};
	g = ct_grid_plan(late, 5, 3);
	CHECK(g.planes == 7 && close_to(g.anchor, 3) && g.before == 3 && close_to(g.z0, 0),
	      "the longest run need not come first: the grid extends below it by whole steps");

	float one[] = {7.5f};
	g = ct_grid_plan(one, 1, 2.5f);
	CHECK(g.planes == 1 && close_to(g.step, 2.5f) && close_to(g.z0, 7.5f), "one slice: one plane, its thickness as the step");
	g = ct_grid_plan(one, 1, 0);
	CHECK(g.planes == 1 && close_to(g.step, 1), "one slice without a thickness: a step of 1 mm");

	/* Repeated positions are no spacing: 0 0 1 2 takes its spacing from the steps of 1. */
	float repeat[] = {0, 0, 1, 2};
	g = ct_grid_plan(repeat, 4, 3);
	CHECK(g.planes == 3 && close_to(g.step, 1), "a repeated position adds no plane and sets no spacing");
	return tap_done();
}
