#!/usr/bin/env bash
# Hostile headers cannot make ct-convert or ct-sort allocate what the files do not hold: an element
# claiming 0xF0000000 bytes (plain and inside a Deflated data set), a compressed slice claiming
# 65535 x 65535 pixels or 2^31 frames, a PixelData length past the end (the bytes a slice needs
# are there: read, nothing more), and slices 19 m apart at 1 mm steps that would need 19,003
# planes of 512 x 512. Each is refused (or, by ct-sort and ct-convert --skip-bad-files, skipped)
# with a message naming the file and the tag or the limit; peak memory stays small (measured with time(1)).
# README and --help document the limits (CT_DICOM_MAX_PIXELS, CT_VOLUME_MAX_VOXELS).
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

# Under ASan the address space cannot be capped; elsewhere a cap keeps a regression from taking
# the machine's memory (it then fails for lack of it instead).
san=0; ldd "$BIN/ct-sort" | grep -q asan && san=1
run() { # run OUT_PREFIX command...: stderr in OUT.err, peak KB in OUT.kb, exit status echoed
	local out=$1; shift
	( [ "$san" = 1 ] || ulimit -v 3000000; /usr/bin/time -f %M -o "$out.kb" "$@" ) 2>"$out.err" >/dev/null
	echo $?
}
peak() { tail -1 "$1.kb"; }
LIMIT_KB=400000 # ~30 MB is what these runs need; ASan roughly doubles it

gen "$T/src" --rows 16 --cols 16 --slices 3 --seed 3
gen "$T/rle" --rows 16 --cols 16 --slices 3 --seed 3 --compress rle
gen "$T/defl" --rows 16 --cols 16 --slices 3 --seed 3 --compress deflated
"$PYTHON" - "$T" <<'PY'
import os, shutil, struct, sys, zlib
t = sys.argv[1]
def mutate(src, dst, fn, which=("IM00001.dcm",)):
    shutil.copytree(f"{t}/{src}", f"{t}/{dst}")
    for n in which:
        p = f"{t}/{dst}/{n}"
        d = fn(bytearray(open(p, "rb").read()))
        open(p, "wb").write(d)
def huge_element(d):
    # SeriesDescription (0008,103E) LO -> UN with a 4-byte length of 0xF0000000
    i = d.find(b"\x08\x00\x3e\x10LO")
    return d[:i] + b"\x08\x00\x3e\x10UN\x00\x00" + struct.pack("<I", 0xF0000000) + d[i + 8:]
def us(tag, value):
    def f(d):
        i = d.find(tag + b"US")
        d[i + 8:i + 10] = struct.pack("<H", value)
        return d
    return f
def both(d):
    return us(b"\x28\x00\x11\x00", 65535)(us(b"\x28\x00\x10\x00", 65535)(d))
def frames(d):
    i = d.find(b"\x28\x00\x10\x00US")  # insert NumberOfFrames (0028,0008) IS before Rows
    return d[:i] + b"\x28\x00\x08\x00IS\x0a\x002147483647" + d[i:]
def pixel_length(d):
    i = d.rfind(b"\xe0\x7f\x10\x00OW\x00\x00")
    d[i + 8:i + 12] = struct.pack("<I", 0xFFFFFFF0)
    return d
def deflated_huge(d):
    # The data set after the File Meta group is raw deflate: inflate, mutate, deflate again.
    glen = struct.unpack("<I", d[140:144])[0]
    start = 144 + glen
    body = bytearray(zlib.decompress(bytes(d[start:]), -15))
    i = body.find(b"\x08\x00\x3e\x10LO")
    body = body[:i] + b"\x08\x00\x3e\x10UN\x00\x00" + struct.pack("<I", 0xF0000000) + body[i + 8:]
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return d[:start] + c.compress(bytes(body)) + c.flush()
mutate("src", "huge", huge_element)
mutate("rle", "pixels", both, ("IM00001.dcm", "IM00002.dcm", "IM00003.dcm"))
mutate("rle", "frames", frames)
mutate("src", "pixlen", pixel_length)
mutate("defl", "deflhuge", deflated_huge)
PY
gen "$T/far" --rows 512 --cols 512 --slices 3 --seed 4 --thickness 1
"$PYTHON" - "$T/far" <<'PY'
import os, sys, pydicom
d = sorted(os.listdir(sys.argv[1]))[2]
ds = pydicom.dcmread(os.path.join(sys.argv[1], d))
ds.ImagePositionPatient = [ds.ImagePositionPatient[0], ds.ImagePositionPatient[1], ds.ImagePositionPatient[2] + 19000]
ds.save_as(os.path.join(sys.argv[1], d))
PY

# An element longer than the file: ct-sort skips the file, saying so; memory stays small.
rc=$(run "$T/sort" ct-sort --list "$T/sort.tsv" "$T/huge" "$T/sorted/%InstanceNumber.dcm")
is "$rc $(cut -f3 "$T/sort.tsv" | sort | uniq -c | tr -s ' ' | tr '\n' ' ')" "0  2 linked  1 skipped-unreadable " \
   "ct-sort: the file with a 0xF0000000-byte element is skipped, the other two placed"
ok "ct-sort: peak memory $(peak "$T/sort") KB (limit $LIMIT_KB)" test "$(peak "$T/sort")" -lt "$LIMIT_KB"
ok "ct-sort: the warning names the file, the length and the element before it" \
   grep -q "huge/IM00001.dcm: the data element after (0008,1030) StudyDescription claims 4026531840 bytes, more than the file holds" "$T/sort.err"

# ct-convert: the file may be a slice, so it fails the series (tests/t/3010) unless skipped.
rc=$(run "$T/conv" ct-convert "$T/huge" "$T/huge.nrrd")
is "$rc $(ls "$T/huge.nrrd" 2>/dev/null | wc -l)" "1 0" "ct-convert: that file cannot be read: the series fails, no NRRD"
ok "ct-convert: peak memory $(peak "$T/conv") KB" test "$(peak "$T/conv")" -lt "$LIMIT_KB"
ok "ct-convert: the error names the file and the length" grep -q "huge/IM00001.dcm: .*claims 4026531840 bytes" "$T/conv.err"
rc=$(run "$T/skip" ct-convert --skip-bad-files "$T/huge" "$T/huge.nrrd")
is "$rc $(sed -n 's/^sizes: //p' "$T/huge.nrrd")" "0 16 16 2" "ct-convert --skip-bad-files: that file skipped, the other two converted"
ok "ct-convert --skip-bad-files: peak memory $(peak "$T/skip") KB" test "$(peak "$T/skip")" -lt "$LIMIT_KB"

rc=$(run "$T/defl" ct-sort --list "$T/defl.tsv" "$T/deflhuge" "$T/sorted2/%InstanceNumber.dcm")
is "$rc $(grep -c skipped-unreadable "$T/defl.tsv")" "0 1" "Deflated: the element claiming 0xF0000000 bytes inside the inflated data set is refused too"
ok "Deflated: peak memory $(peak "$T/defl") KB" test "$(peak "$T/defl")" -lt "$LIMIT_KB"
ok "Deflated: the message names the bound (what the file can inflate to)" grep -q "deflhuge/IM00001.dcm: .*claims 4026531840 bytes, more than the file can inflate to" "$T/defl.err"

# Compressed slices that claim more pixels or frames than a slice may have: refused, nothing written.
rc=$(run "$T/pixlen" ct-convert "$T/pixlen" "$T/pixlen.nrrd")
is "$rc $(sed -n 's/^sizes: //p' "$T/pixlen.nrrd")" "0 16 16 3" "a PixelData length of 0xFFFFFFF0 with the frame's bytes there: only those are read"
ok "... peak memory $(peak "$T/pixlen") KB" test "$(peak "$T/pixlen")" -lt "$LIMIT_KB"
for d in pixels frames far; do
	rc=$(run "$T/$d" ct-convert "$T/$d" "$T/$d.nrrd")
	is "$rc $(ls "$T/$d.nrrd" 2>/dev/null | wc -l)" "1 0" "$d: refused (exit 1), no NRRD"
	ok "$d: peak memory $(peak "$T/$d") KB" test "$(peak "$T/$d")" -lt "$LIMIT_KB"
done
ok "65535 x 65535 pixels: named by tag and limit" grep -q "pixels/IM0000[123].dcm: (0028,0010) Rows, (0028,0011) Columns: 65535x65535: more than the 16777216 pixels a slice may have" "$T/pixels.err"
ok "2^31 frames: named by tag" grep -q "frames/IM00001.dcm: (0028,0008) NumberOfFrames: 2147483647" "$T/frames.err"
ok "19,003 planes of 512 x 512: over the volume limit, named" grep -q "far: 19003 planes of 512x512: more than the 2147483648 voxels a volume may have" "$T/far.err"
done_testing
