#!/usr/bin/env bash
# Bad input ends with exit 1, an error naming the file and the tag, and no output file (neither
# the NRRD nor the record): a truncated file, missing pixel data, slices of another size or
# orientation, a slice without position or orientation, two different slices at one position,
# a folder without CT slices. Usage mistakes exit 2.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

# rejects NAME DIR FILE TAG: exit 1, stderr names FILE and TAG, nothing written.
rejects() {
	local name=$1 dir=$2 file=$3 tag=$4
	ct-convert "$dir" "$T/out.nrrd" --meta "$T/out.tsv" 2>"$T/err"
	local rc=$?
	is "$rc $(ls "$T" | grep -c '^out\.')" "1 0" "$name: exit 1, no output file"
	if grep -qF "$file" "$T/err" && grep -qF "$tag" "$T/err"; then pass "$name: the error names $file and $tag"
	else fail "$name: the error names $file and $tag"; diag "$(cat "$T/err")"; fi
}

for v in mixed-size mixed-orientation no-ipp no-iop no-pixels conflict; do
	gen "$T/$v" --variant $v --rows 16 --cols 16 --slices 8 --seed 5
done
rejects "another size" "$T/mixed-size" IM00005.dcm "(0028,0010) Rows"
rejects "another orientation" "$T/mixed-orientation" IM00005.dcm "(0020,0037) ImageOrientationPatient"
rejects "no position" "$T/no-ipp" IM00005.dcm "(0020,0032) ImagePositionPatient"
rejects "no orientation" "$T/no-iop" IM00005.dcm "(0020,0037) ImageOrientationPatient"
rejects "no pixel data" "$T/no-pixels" IM00005.dcm "(7FE0,0010) PixelData"
rejects "two different slices at one position" "$T/conflict" IM00003.dcm "(0020,0032) ImagePositionPatient"

gen "$T/cut" --rows 16 --cols 16 --slices 8 --seed 5
truncate -s -100 "$T/cut/IM00006.dcm"
rejects "a file cut short in its pixel data" "$T/cut" IM00006.dcm "(7FE0,0010) PixelData"
# 5 MiB as int16: the first 4 MiB piece is compressed and written (to a temporary) while the
# later slices are decoded; a bad last slice (RLE: found only when decoded) must still leave
# nothing behind.
gen "$T/cut-big" --rows 256 --cols 256 --slices 40 --seed 5 --compress rle
truncate -s -60 "$T/cut-big/IM00040.dcm"
rejects "a two-piece volume whose last file is cut short" "$T/cut-big" IM00040.dcm "(7FE0,0010) PixelData"
gen "$T/cut-rle" --rows 16 --cols 16 --slices 8 --seed 5 --compress rle
truncate -s -60 "$T/cut-rle/IM00002.dcm"
rejects "an RLE file cut short" "$T/cut-rle" IM00002.dcm "(7FE0,0010) PixelData"

mkdir "$T/empty" "$T/text"; echo hello > "$T/text/a.dcm"
ct-convert "$T/empty" "$T/out.nrrd" 2>/dev/null; is "$? $(ls "$T" | grep -c '^out\.')" "1 0" "an empty folder: exit 1, no output"
ct-convert "$T/text" "$T/out.nrrd" 2>/dev/null; is "$? $(ls "$T" | grep -c '^out\.')" "1 0" "a folder without DICOM: exit 1, no output"
ct-convert "$T/missing" "$T/out.nrrd" 2>/dev/null; is "$? $(ls "$T" | grep -c '^out\.')" "1 0" "a folder that does not exist: exit 1"
ct-convert "$PYDICOM_CT/98892001/CT2N" "$T/out.nrrd" 2>/dev/null; is "$?" 1 "pydicom's CT2N (two localizers only): exit 1"

gen "$T/good" --rows 8 --cols 8 --slices 3 --seed 5
ok_fails "no output argument: exit 2" 2 ct-convert "$T/good"
ok_fails "--type bogus: exit 2" 2 ct-convert --type bogus "$T/good" "$T/out.nrrd"
ok_fails "--level 13: exit 2" 2 ct-convert --level 13 "$T/good" "$T/out.nrrd"
ok "--help: exit 0" ct-convert --help

# An existing output stays as it was when a later run fails.
ct-convert "$T/good" "$T/keep.nrrd"
before=$(md5_of "$T/keep.nrrd")
ct-convert "$T/no-pixels" "$T/keep.nrrd" 2>/dev/null
is "$(md5_of "$T/keep.nrrd") $(ls -a "$T" | grep -c '\.tmp')" "$before 0" "a failed run leaves the earlier file untouched and no temporary"
done_testing
