#!/usr/bin/env bash
# On series with random gaps, uneven steps (some within plastimatch's 0.11 mm tolerance, some
# beyond) and repeated positions, ct-convert lays the same regular grid as plastimatch (same
# number of planes, spacing, origin) and fills each plane with the same real slice, also
# where a gap makes two neighbours equally near.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

for seed in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
	thick=$(( seed % 3 == 0 ? 1 : seed % 3 == 1 ? 2 : 3 ))
	gen "$T/s$seed" --variant irregular --rows 8 --cols 8 --slices 20 --seed $seed --thickness $thick
	pm_convert "$T/s$seed" "$T/pm.nrrd" short
	ct-convert "$T/s$seed" "$T/ours.nrrd" 2>/dev/null
	ok "uneven series $seed ($thick mm): plastimatch's grid and planes" same_volume "$T/ours.nrrd" "$T/pm.nrrd"
done
# Gantry tilt and one missing slice: the plane at the gap lies exactly half-way between two
# slices, and single-precision rounding (as plastimatch's) decides which one fills it.
for n in 15 18 19 20 24; do
	gen "$T/t$n" --variant tilt --rows 8 --cols 8 --slices $n --seed $n
	rm "$T/t$n/$(printf 'IM%05d.dcm' $((n / 3 + 1)))"
	pm_convert "$T/t$n" "$T/pm.nrrd" short
	ct-convert "$T/t$n" "$T/ours.nrrd" 2>/dev/null
	ok "tilted series of $n with a gap: plastimatch's choice of neighbour" same_volume "$T/ours.nrrd" "$T/pm.nrrd"
done
done_testing
