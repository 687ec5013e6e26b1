#!/usr/bin/env bash
# ct-unpack: zip (ZIP64), tar and tar.gz unpack completely with macOS metadata skipped (with a
# progress line on a terminal); an archive
# holding an absolute path, "..", a link out of DIR, a device file or a FIFO is refused whole:
# no DIR, no temporary directory, nothing written outside.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$T/src/Top/sub" "$T/out"
printf 'alpha\n' > "$T/src/Top/a.txt"
head -c 70000 /dev/urandom > "$T/src/Top/sub/b.bin"

"$PYTHON" - "$T" <<'PY'
import io, os, sys, tarfile, zipfile
t = sys.argv[1]
src = t + "/src"
def add_bytes(tf, name, data=b"x", **kw):
    ti = tarfile.TarInfo(name); ti.size = len(data)
    for k, v in kw.items(): setattr(ti, k, v)
    tf.addfile(ti, io.BytesIO(data) if ti.type == tarfile.REGTYPE else None)
# good archives: tar with AppleDouble files, tar.gz, ZIP64 zip
with tarfile.open(t + "/good.tar", "w") as tf:
    tf.add(src + "/Top", arcname="./Top")
    add_bytes(tf, "Top/._a.txt", b"\0\5\26\7 mac")
    add_bytes(tf, "Top/sub/._b.bin", b"\0\5\26\7 mac")
    add_bytes(tf, "__MACOSX/Top/._a.txt", b"junk")
    add_bytes(tf, "Top/inside", type=tarfile.SYMTYPE, linkname="sub/b.bin")
with tarfile.open(t + "/good.tar.gz", "w:gz") as tf:
    tf.add(src + "/Top", arcname="Top")
with zipfile.ZipFile(t + "/good.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk(src):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh, z.open(os.path.relpath(p, src), "w", force_zip64=True) as out:
                out.write(fh.read())
    z.writestr("__MACOSX/Top/._a.txt", b"junk")
# evil archives: each has a good file first, so a half-done unpack would show
evil = {
    "dotdot": lambda tf: add_bytes(tf, "Top/../../escaped-dotdot"),
    "absolute": lambda tf: add_bytes(tf, t + "/escaped-absolute"),
    "symlink-out": lambda tf: add_bytes(tf, "Top/lnk", type=tarfile.SYMTYPE, linkname="../../out"),
    "symlink-abs": lambda tf: add_bytes(tf, "Top/lnk", type=tarfile.SYMTYPE, linkname=t + "/out"),
    "symlink-chain": lambda tf: (add_bytes(tf, "Top/q", type=tarfile.SYMTYPE, linkname="."),
                                 add_bytes(tf, "Top/p", type=tarfile.SYMTYPE, linkname="q/../..")),
    "hardlink-out": lambda tf: add_bytes(tf, "Top/hl", type=tarfile.LNKTYPE, linkname="../good.tar"),
    "chardev": lambda tf: add_bytes(tf, "Top/null", type=tarfile.CHRTYPE, devmajor=1, devminor=3),
    "blockdev": lambda tf: add_bytes(tf, "Top/sda", type=tarfile.BLKTYPE, devmajor=8, devminor=0),
    "fifo": lambda tf: add_bytes(tf, "Top/pipe", type=tarfile.FIFOTYPE),
}
for name, make in evil.items():
    with tarfile.open(f"{t}/evil-{name}.tar", "w", format=tarfile.GNU_FORMAT) as tf:
        add_bytes(tf, "Top/first.txt", b"written before the bad entry")
        make(tf)
        add_bytes(tf, "Top/last.txt", b"after")
# zip slip in a zip
with zipfile.ZipFile(t + "/evil-zipslip.zip", "w") as z:
    z.writestr("Top/first.txt", b"ok")
    z.writestr("../escaped-zipslip", b"evil")
PY

listing() { (cd "$1" && find . | LC_ALL=C sort | tr '\n' ' '); }
want="$(listing "$T/src")"

ok "tar unpacks" ct-unpack "$T/good.tar" "$T/out/tar"
is "$(listing "$T/out/tar" | sed 's| ./Top/inside||')" "$want" "tar: every file, no ._* or __MACOSX left"
is "$(readlink "$T/out/tar/Top/inside")" "sub/b.bin" "tar: a link inside DIR is kept"
is "$(md5_of "$T/out/tar/Top/sub/b.bin")" "$(md5_of "$T/src/Top/sub/b.bin")" "tar: contents intact"
ok "tar.gz unpacks" ct-unpack "$T/good.tar.gz" "$T/out/tgz"
is "$(listing "$T/out/tgz")" "$want" "tar.gz: every file"
ok "ZIP64 zip unpacks with --strip-top" ct-unpack --strip-top "$T/good.zip" "$T/out/zip"
is "$(listing "$T/out/zip")" "$(cd "$T/src/Top" && find . | LC_ALL=C sort | tr '\n' ' ')" "zip: lone top folder stripped, no __MACOSX"
is "$(md5_of "$T/out/zip/sub/b.bin")" "$(md5_of "$T/src/Top/sub/b.bin")" "zip: contents intact"
# ZIP64: every data entry's local header carries the ZIP64 extra field (id 0x0001).
"$PYTHON" - "$T/good.zip" <<'PY'
import struct, sys, zipfile
d = open(sys.argv[1], "rb").read()
def zip64(i):
    n, m = struct.unpack("<HH", d[i.header_offset + 26:i.header_offset + 30])
    return d[i.header_offset + 30 + n:][:2] == b"\x01\x00"
sys.exit(0 if all(zip64(i) for i in zipfile.ZipFile(sys.argv[1]).infolist() if not i.filename.startswith("__")) else 1)
PY
is "$?" 0 "the zip really is ZIP64 (ZIP64 extra field in every entry)"

echo old > "$T/out/tgz/stale"
ok "a re-unpack replaces the older DIR" ct-unpack "$T/good.tar.gz" "$T/out/tgz"
is "$(listing "$T/out/tgz")" "$want" "the older DIR's files are gone"

# On a terminal (script(1) gives it one) a live line follows the unpacking; it ends complete.
n_zip=$("$PYTHON" -c 'import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))' "$T/good.zip")
last=$(script -qc "$TOP/bin/ct-unpack $T/good.zip $T/out/tty" /dev/null | tr '\r' '\n' | grep 'entries' | tail -1)
case $last in *"$n_zip entries, 100% of"*) pass "on a terminal: a progress line, ending at $n_zip entries, 100%" ;;
*) fail "on a terminal: a progress line, ending at $n_zip entries, 100%"; diag "got: $last" ;; esac

before="$(cd "$T" && find . -path ./out -prune -o -print | LC_ALL=C sort | md5sum)"
for a in "$T"/evil-*; do
	n=$(basename "$a"); n=${n%.*}
	ok_fails "$n: refused with exit 1" 1 ct-unpack "$a" "$T/out/$n"
	grep -q "entry '" "$T/.ok.out"; is "$?" 0 "$n: the message names the entry"
	is "$(ls -d "$T/out/$n"* 2>/dev/null)" "" "$n: no DIR and no temporary directory left"
done
after="$(cd "$T" && find . -path ./out -prune -o -print | LC_ALL=C sort | md5sum)"
is "$after" "$before" "nothing written outside any DIR"
is "$(ls /tmp/escaped-* 2>/dev/null)" "" "nothing escaped to /tmp"
done_testing
