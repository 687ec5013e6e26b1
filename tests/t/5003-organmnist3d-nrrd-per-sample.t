#!/usr/bin/env bash
# make downstream-organmnist3d against a local Zenodo: both npz (28 and 64) are looked up in the
# record API, checked against their pins, fetched, verified, and unpacked into one NRRD per sample
# whose voxels are the npz's, labels.tsv (index, split, label, image) and MONAI datalists with
# integer labels. A re-run does nothing; an npz whose pin differs is refused before its download.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/webserver.sh"

R=$T/www/records/10519652
mkdir -p "$R"
"$PYTHON" - "$R" <<'PY'
import sys, numpy as np
r = np.random.default_rng(3)
for name, shape, ltype in (("organmnist3d.npz", (6, 7, 8), np.int64), ("organmnist3d_64.npz", (8, 8, 8), np.uint8)):
    d = {}
    for split, n in (("train", 4), ("val", 2), ("test", 3)):
        d[split + "_images"] = r.integers(0, 256, (n,) + shape, dtype=np.uint8)
        d[split + "_labels"] = r.integers(0, 11, (n, 1)).astype(ltype)
    np.savez_compressed(sys.argv[1] + "/" + name, **d)
open(sys.argv[1] + "/organmnist3d.npz.README", "w").write("another file of the record\n")
PY
for f in organmnist3d.npz organmnist3d_64.npz; do echo "$(md5_of "$R/$f")  $f"; done > "$T/pins"
ok "server starts" web_start "$T/www"

D=$T/data/downstream/organmnist3d
mk() { make --no-print-directory -f "$TOP/Makefile" DATA="$T/data" ZENODO_URL="$WEB_URL" "$@"; }
ok "make downstream-organmnist3d" mk downstream-organmnist3d ORGANMNIST3D_PINS="$T/pins"

cat > "$T/check.py" <<'PY'
import gzip, json, sys, numpy as np
R, D = sys.argv[1], sys.argv[2]
bad = []
for size, name in (("28", "organmnist3d.npz"), ("64", "organmnist3d_64.npz")):
    z = np.load(R + "/" + name)
    rows = [l.rstrip("\n").split("\t") for l in open(f"{D}/{size}/labels.tsv")]
    if rows[0] != ["index", "split", "label", "image"]: bad.append("header " + str(rows[0]))
    want_rows = []
    for split in ("train", "val", "test"):
        imgs, labs = z[split + "_images"], z[split + "_labels"]
        for i in range(len(imgs)):
            want_rows.append([str(i), split, str(int(labs[i][0])), f"{split}/{i:05d}.nrrd"])
            raw = open(f"{D}/{size}/{split}/{i:05d}.nrrd", "rb").read()
            head, body = raw.split(b"\n\n", 1)
            fields = dict(l.split(": ", 1) for l in head.decode().split("\n")[1:] if ": " in l)
            if fields["type"] != "uint8" or fields["sizes"] != " ".join(str(s) for s in imgs[i].shape[::-1]):
                bad.append(f"{size} {split} {i} header {fields}")
            if gzip.decompress(body) != imgs[i].tobytes():
                bad.append(f"{size} {split} {i} voxels")
    if rows[1:] != want_rows: bad.append(f"{size} labels.tsv rows")
dl = json.load(open(D + "/datalist.json"))
got = [(k, e["image"], e["label"]) for k in ("training", "validation", "testing") for e in dl[k]]
z = np.load(R + "/organmnist3d_64.npz")
want = [(sec, f"64/{split}/{i:05d}.nrrd", int(z[split + "_labels"][i][0]))
        for sec, split in (("training", "train"), ("validation", "val"), ("testing", "test"))
        for i in range(len(z[split + "_images"]))]
if got != want: bad.append("datalist " + str(got[:3]))
if not all(isinstance(e["label"], int) for k in dl for e in dl[k]): bad.append("labels not integers")
print("\n".join(bad) or "all match")
PY
is "$("$PYTHON" "$T/check.py" "$R" "$D" 2>&1)" "all match" "every NRRD's header and voxels, labels.tsv and the 64³ datalist match the npz"
is "$(ls "$T/data/downstream/.archives/" | grep -c 'npz$')" 0 "the npz are dropped after unpacking"

find "$D" -type f -printf '%p %T@\n' | sort > "$T/before"
n=$(web_requests /api/records/10519652)
ok "re-run" mk downstream-organmnist3d ORGANMNIST3D_PINS="$T/pins"
find "$D" -type f -printf '%p %T@\n' | sort > "$T/after"
is "$(diff "$T/before" "$T/after" && echo same)" same "re-run: no file written"
is "$(web_requests /api/records/10519652)" "$n" "re-run: no request"

rm -rf "$T/data"
sed -i '1s/^./f/' "$T/pins"
sent=$(web_bytes /records/10519652/files/organmnist3d.npz)
ok_fails "a pin differing from the record's md5: refused" 2 mk downstream-organmnist3d ORGANMNIST3D_PINS="$T/pins"
is "$(web_bytes /records/10519652/files/organmnist3d.npz)" "$sent" "refused before any byte of that npz was fetched"
is "$(ls -d "$D"/28 2>/dev/null)" "" "nothing unpacked for it"
done_testing
