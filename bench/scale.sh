#!/usr/bin/env bash
# bench/scale.sh (make bench-scale): does the Make graph hold CT-FM's 148,394 scans?
# A synthetic manifest of 148,394 series; measured: ct-plan, `make -n pretrain-data` (parse and
# walk the whole graph: 2 targets per scan), and a no-op `make pretrain-data` over a DATA whose
# every scan is marked done, `make status`, and ct-index over every record. Wall time and peak
# memory (GNU time). Goal: each within 20 s and 1 GB
# on 2 cores. Results: bench/scale.md.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
N=${SCALE_SCANS:-148394}
W=$(mktemp -d "${TMPDIR:-/tmp}/ctmake-scale.XXXXXX")
trap 'rm -rf "$W"' EXIT
DATA=$W/data
P=$DATA/pretrain

# measure LABEL COMMAND...: wall seconds, CPU seconds (user + system, of the command and its
# children: steadier than wall on a shared machine) and peak RSS of one command.
measure() {
	local label=$1; shift
	/usr/bin/time -f '%e %U %S %M' -o "$W/time" "$@" >"$W/out" 2>"$W/err" ||
		{ echo "failed ($label): $*" >&2; tail -n 5 "$W/out" >&2; tail -n 5 "$W/err" >&2; cat "$W/time" >&2; exit 1; }
	read -r secs user sys kb < "$W/time"
	printf '%-44s %8.2f s wall %8.2f s cpu %8.0f MB\n' "$label" "$secs" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$((kb / 1024))"
}

/usr/bin/python3 - "$N" > "$W/manifest.txt" <<'PY'
import sys, uuid, random
random.seed(1)
for i in range(int(sys.argv[1])):
    b = "idc-open-data" if i % 7 else "idc-open-data-two"
    print("cp s3://%s/%s/* ." % (b, uuid.UUID(int=random.getrandbits(128), version=4)))
PY
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); GNU Make $(make --version | head -1 | cut -d' ' -f3)"
echo "manifest: $N series"
measure "ct-plan (manifest -> plan.mk + plan.tsv)" \
	"$TOP/bin/ct-plan" --tsv "$W/plan.tsv" -o "$W/plan.mk" "$W/manifest.txt"
mk=(make --no-print-directory -C "$TOP" DATA="$DATA" MANIFEST="$W/manifest.txt")
"${mk[@]}" pretrain-plan >/dev/null 2>&1
measure "make -n pretrain-data (whole graph, dry)" "${mk[@]}" -n pretrain-data
echo "  recipe lines printed: $(wc -l < "$W/out")"

# Mark every scan done, oldest first along the graph, as a finished run leaves it.
/usr/bin/python3 - "$P" "$P/plans/all.tsv" <<'PY'
import os, sys
p, plan = sys.argv[1], sys.argv[2]
uuids = [l.split("\t")[0] for l in open(plan).read().splitlines()[1:]]
os.makedirs(p + "/records", exist_ok=True)
for u in uuids:
    d = "%s/dicom/%s" % (p, u)
    os.makedirs(d, exist_ok=True)
    open(d + "/.verified", "w").write("# ct-fetch\n")
    open(d + "/.scandir", "w").write("%s/scans/unknown-collection/P/S/%s\n" % (p, u))
for u in uuids:
    open("%s/records/%s.tsv" % (p, u), "w").write(
        "SeriesInstanceUID\tpath\nx\t%s/scans/unknown-collection/P/S/%s/scan.nrrd\n" % (p, u))
open(p + "/scan_list.pkl", "w").close()
PY
measure "make pretrain-data (no-op, every scan done)" "${mk[@]}" pretrain-data
grep -q "Nothing to be done\|is up to date" "$W/out" && echo "  no-op confirmed: $(tail -1 "$W/out")"
measure "make -q pretrain-data (is anything left?)" "${mk[@]}" -q pretrain-data
measure "make status (ct-status over 148,394 scans)" make --no-print-directory -C "$TOP" status DATA="$DATA"
sed 's/^/  /' "$W/out"
measure "ct-index (every record -> scan_list.pkl, index.tsv)" "$TOP/bin/ct-index" --plan "$P/plans/all.tsv" "$P"
echo "  scan_list.pkl: $(/usr/bin/python3 -c 'import pickle, sys; print(len(pickle.load(open(sys.argv[1], "rb"))))' "$P/scan_list.pkl") paths; index.tsv: $(($(wc -l < "$P/index.tsv") - 1)) rows"
