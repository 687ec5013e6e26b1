#!/usr/bin/env bash
# An archive cut short is refused whole, as `unzip -t` refuses it: a zip missing its last 30 or
# 100 bytes (the end of central directory), a zip cut mid-entry, an entry whose deflate stream
# ends early (the error says "truncated"), a cut tar and tar.gz. Nothing is left: no DIR, no
# temporary beside it. ct-npz refuses an npz cut short and an npy header cut inside its descr.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$T/src/Top" "$T/out"
head -c 300000 /dev/urandom > "$T/src/Top/a.bin"
seq 1 100000 > "$T/src/Top/b.txt"
"$PYTHON" - "$T" <<'PY'
import io, os, struct, sys, tarfile, zipfile
t = sys.argv[1]
with zipfile.ZipFile(t + "/good.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for n in ("a.bin", "b.txt"):
        z.write(f"{t}/src/Top/{n}", "Top/" + n)
d = open(t + "/good.zip", "rb").read()
open(t + "/cut30.zip", "wb").write(d[:-30])
open(t + "/cut100.zip", "wb").write(d[:-100])
open(t + "/cutmid.zip", "wb").write(d[:len(d) // 2])
# b.txt's compressed size halved in its local header and the central directory: the archive
# is whole, the entry's deflate stream ends early.
d = bytearray(d)
info = zipfile.ZipFile(t + "/good.zip").getinfo("Top/b.txt")
half = struct.pack("<I", info.compress_size // 2)
d[info.header_offset + 18:info.header_offset + 22] = half
i = d.find(b"PK\x01\x02")
while i >= 0:
    n = struct.unpack("<H", d[i + 28:i + 30])[0]
    if d[i + 46:i + 46 + n] == b"Top/b.txt":
        d[i + 20:i + 24] = half
    i = d.find(b"PK\x01\x02", i + 4)
open(t + "/short-entry.zip", "wb").write(d)
with tarfile.open(t + "/good.tar", "w") as tf:
    tf.add(t + "/src/Top", arcname="Top")
d = open(t + "/good.tar", "rb").read()
open(t + "/cut.tar", "wb").write(d[:len(d) // 2])
with tarfile.open(t + "/good.tar.gz", "w:gz") as tf:
    tf.add(t + "/src/Top", arcname="Top")
d = open(t + "/good.tar.gz", "rb").read()
open(t + "/cut.tar.gz", "wb").write(d[:-100])
PY

ok "the whole zip unpacks" ct-unpack "$T/good.zip" "$T/out/good"
is "$(md5_of "$T/out/good/Top/b.txt")" "$(md5_of "$T/src/Top/b.txt")" "... with its bytes"
for a in cut30.zip cut100.zip cutmid.zip short-entry.zip; do
	unzip -tq "$T/$a" >/dev/null 2>&1
	isnt "$?" 0 "unzip -t rejects $a" # the reference verdict
done
for a in cut30.zip cut100.zip cutmid.zip short-entry.zip cut.tar cut.tar.gz; do
	ct-unpack "$T/$a" "$T/out/${a%%.*}" 2>"$T/err" </dev/null
	rc=$?
	ls -A "$T/out" | grep -v '^good$' > "$T/left"
	is "$rc|$(cat "$T/left")|$(grep -ci truncated "$T/err")" "1||1" \
	   "$a: refused (exit 1), nothing left in the output folder, the message says truncated"
done 2>/dev/null
cd "$T" || exit 1
for a in cut30.zip cut100.zip cutmid.zip short-entry.zip cut.tar cut.tar.gz; do
	ct-unpack "$a" "$T/out/x" 2>/dev/null
	is "$? $(ls -A "$T/out" | tr '\n' ' ')" "1 good " "$a: refused, no DIR and no temporary beside it"
done
is "$(head -1 "$T/err" 2>/dev/null | grep -c "^ct-unpack: ")" 1 "messages are ct-unpack's, one line"
ct-unpack short-entry.zip "$T/out/s" 2>"$T/err"
ok "a short deflate entry is named and called truncated" grep -q "Top/b.txt: truncated" "$T/err"

# npz: a cut one, and one whose npy header ends inside its descr string (no padding after it).
"$PYTHON" - "$T" <<'PY'
import sys, zipfile
import numpy as np
t = sys.argv[1]
np.savez(t + "/good.npz", train_images=np.zeros((1, 2, 2, 2), np.uint8), train_labels=np.zeros((1, 1), np.int64))
d = open(t + "/good.npz", "rb").read()
open(t + "/cut.npz", "wb").write(d[:-40])
head = b"{'descr': '"
with zipfile.ZipFile(t + "/descr.npz", "w") as z:
    z.writestr("train_images.npy", b"\x93NUMPY\x01\x00" + bytes([len(head), 0]) + head)
    z.writestr("train_labels.npy", b"\x93NUMPY\x01\x00" + bytes([len(head), 0]) + head)
PY
for a in cut.npz descr.npz; do
	ct-npz "$T/$a" "$T/npz-${a%.npz}" 2>"$T/err"
	is "$? $(ls -d "$T"/npz-* "$T"/.npz-* 2>/dev/null | wc -l)" "1 0" "ct-npz $a: exit 1, no DIR, no temporary"
done
ok "the bad header is named: member and descr" grep -q "descr.npz: train_images.npy: npy header without a quoted descr" "$T/err"
done_testing
