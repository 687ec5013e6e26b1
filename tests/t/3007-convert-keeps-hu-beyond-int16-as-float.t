#!/usr/bin/env bash
# HU beyond int16 (unsigned 16-bit pixels, intercept -1024, a block of 65000 in the last slice):
# the automatic type turns to float and keeps them. ct-convert compresses while it decodes, so
# by the time the last slice shows the overflow the first 4 MiB piece is already written: that
# attempt must vanish and the float file be exactly what --type float writes at once, with
# nothing left behind. --type short clamps instead. plastimatch (float) gives the same voxels.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

# 256 x 256 x 40 is 5 MiB as int16: two gzip pieces, the overflow in the second.
gen "$T/src" --variant overflow --rows 256 --cols 256 --slices 40 --seed 5
mkdir "$T/auto" "$T/float" "$T/short"
ok "auto type: converted" ct-convert "$T/src" "$T/auto/v.nrrd" --meta "$T/auto/v.tsv"
ct-convert --type float "$T/src" "$T/float/v.nrrd"
is "$(sed -n 's/^type: //p' "$T/auto/v.nrrd")" float "HU beyond int16 make the volume float"
is "$(md5_of "$T/auto/v.nrrd")" "$(md5_of "$T/float/v.nrrd")" "the same bytes as --type float"
is "$(ls -A "$T/auto" | tr '\n' ' ')" "v.nrrd v.tsv " "the abandoned int16 attempt left nothing behind"
is "$(meta_field "$T/auto/v.tsv" hu_max)" 63976 "the record's hu_max is the block's 63976 HU"

pm_convert "$T/src" "$T/pm.nrrd" float
ok "plastimatch (float) gives the same voxels and geometry" same_volume "$T/auto/v.nrrd" "$T/pm.nrrd"

ct-convert --type short "$T/src" "$T/short/v.nrrd" --meta "$T/short/v.tsv"
is "$(sed -n 's/^type: //p' "$T/short/v.nrrd")" short "--type short stays short"
is "$(meta_field "$T/short/v.tsv" hu_max)" 32767 "...and clamps the block to 32767"
got=$("$PYTHON" - "$T/short/v.nrrd" "$T/auto/v.nrrd" <<'PY'
import sys, numpy as np, nrrd
s, _ = nrrd.read(sys.argv[1]); f, _ = nrrd.read(sys.argv[2])
clamped = np.clip(f, -32768, 32767)
print(int((s != clamped).sum()), int((f > 32767).sum()))
PY
)
is "$got" "0 16" "short is the float volume clamped; 16 voxels were beyond int16"
done_testing
