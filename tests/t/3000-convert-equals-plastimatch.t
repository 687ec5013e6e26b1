#!/usr/bin/env bash
# ct-convert gives plastimatch's voxels and geometry (plastimatch convert --output-type short,
# float for a fractional slope within 1e-3, geometry within 1e-3 mm) on every uncompressed
# fixture variant and on pydicom's real CT series, and records what it found in --meta.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

for v in ascending descending shuffled gap duplicate tilt sagittal localizer two-series intercept per-slice-rescale slope; do
	type=short tol=0; [ $v = slope ] && type=float tol=1e-3
	gen "$T/$v" --variant $v --rows 24 --cols 32 --slices 30 --seed 11
	pm_convert "$T/$v" "$T/$v.pm.nrrd" $type
	ct-convert "$T/$v" "$T/$v.nrrd" --meta "$T/$v.tsv" 2>/dev/null
	ok "$v: the same voxels and geometry as plastimatch ($type)" same_volume "$T/$v.nrrd" "$T/$v.pm.nrrd" $tol
	is "$(sed -n 's/^type: //p' "$T/$v.nrrd")" $type "$v: written as $type"
done

for s in 98892001/CT5N 77654033/CT2; do
	pm_convert "$PYDICOM_CT/$s" "$T/real.pm.nrrd" short
	ct-convert "$PYDICOM_CT/$s" "$T/real.nrrd" --meta "$T/real.tsv" 2>/dev/null
	ok "pydicom's $s: the same voxels and geometry as plastimatch" same_volume "$T/real.nrrd" "$T/real.pm.nrrd"
done
is "$(meta_field "$T/real.tsv" slices) $(meta_field "$T/real.tsv" irregular_spacing) $(meta_field "$T/real.tsv" spacing)" \
	"165 1 0.488281/0.488281/1.25" "CT2: 4 slices with a gap laid on 165 planes of 1.25 mm, flagged irregular"

is "$(meta_field "$T/gap.tsv" irregular_spacing) $(meta_field "$T/ascending.tsv" irregular_spacing)" "1 0" "the gap is flagged irregular, a regular series not"
is "$(meta_field "$T/tilt.tsv" tilt_deg) $(meta_field "$T/ascending.tsv" tilt_deg)" "15.000 0.000" "gantry tilt measured from the positions"
is "$(meta_field "$T/duplicate.tsv" unique_positions) $(meta_field "$T/ascending.tsv" unique_positions)" "0 1" "a duplicate position clears unique_positions"
is "$(meta_field "$T/localizer.tsv" no_localizer) $(meta_field "$T/localizer.tsv" num_instances) $(meta_field "$T/localizer.tsv" slices)" \
	"0 31 30" "a localizer in the series: flagged, counted as an instance, not a plane"
is "$(meta_field "$T/descending.tsv" origin)" "-169.53125/-189.53125/-200" "origin: the most inferior slice, whatever the file order"
is "$(meta_field "$T/ascending.tsv" hu_min) $(meta_field "$T/slope.tsv" transfer_syntax)" "-1024 1.2.840.10008.1.2.1" "HU minimum and transfer syntax recorded"
done_testing
