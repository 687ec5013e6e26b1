#!/usr/bin/env bash
# make slurm-pretrain-data SHARDS=3 on a one-node Slurm cluster gives what a one-machine
# make pretrain-data gives: the same NRRD bytes at the same places under DATA, and the same
# scans in scan_list.pkl; the plans are all written before submission and no job rewrites one;
# submitting again when all is done queues the index job only.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/slurm.sh"
slurm_require
slurm_and_mirror_or_bail
# Four series, spread so that each of the 3 shards holds at least one (checked below).
for s in s1:idc-open-data s2:idc-open-data-two s3:idc-open-data s4:idc-open-data-cr; do
	slurm_series_put "${s%%:*}" "${s#*:}" || { echo "Bail out! seeding ${s%%:*} failed"; exit 1; }
	slurm_series_line "${s%%:*}" "${s#*:}"
done > "$T/manifest.txt"
vars=(MANIFEST="$T/manifest.txt" IDC_ENDPOINT="$MIRROR_URL")

ok "one machine: make -j2 pretrain-data" make -C "$TOP" -j2 pretrain-data DATA="$T/one" "${vars[@]}"

ok "the cluster: make slurm-pretrain-data SHARDS=3 submits" \
	make -C "$TOP" slurm-pretrain-data SHARDS=3 DATA="$T/cluster" "${vars[@]}"
plans=$T/cluster/pretrain/plans
stat -c '%n %i %s %y' "$plans"/* > "$T/plans.before"
is "$(ls "$plans" | grep -c '\.tsv$')" 4 "the whole plan and the 3 shards' plans were written before submission"
is "$(for i in 1 2 3; do [ "$(tail -n +2 "$plans/all-shard${i}of3.tsv" | wc -l)" -ge 1 ] && printf y; done)" yyy \
	"each shard holds at least one of the four scans"
jobs=$(slurm_last_jobs "$T/cluster")
ok "the array and the index job end" slurm_wait_jobs -t 90 "$jobs"
is "$(slurm_job_states "${jobs%,*}" | tr '\n' ' ')" "COMPLETED COMPLETED COMPLETED " "the 3 shard tasks completed"
is "$(slurm_job_states "${jobs#*,}")" COMPLETED "the index job ran after them and completed"
stat -c '%n %i %s %y' "$plans"/* > "$T/plans.after"
ok "no job rewrote a plan (same inode, size, mtime)" cmp "$T/plans.before" "$T/plans.after"

nrrds() { (cd "$1/pretrain/scans" && find . -name scan.nrrd | sort | xargs -r md5sum); }
nrrds "$T/one" > "$T/one.md5"
is "$(wc -l < "$T/one.md5")" 4 "the one-machine run converted the four scans"
is "$(nrrds "$T/cluster")" "$(cat "$T/one.md5")" "the cluster wrote the same NRRD bytes at the same places"

# scan_list.pkl as CT-FM loads it, each path relative to its DATA.
pkl() {
	"$PYTHON" -c 'import pickle, sys, pathlib
l = pickle.load(open(sys.argv[1] + "/pretrain/scan_list.pkl", "rb"))
assert type(l) is list and all(type(p) is pathlib.PosixPath for p in l)
for p in l: print(p.relative_to(sys.argv[1]))' "$1"
}
one_pkl=$(pkl "$T/one")
is "$(printf '%s\n' "$one_pkl" | grep -c 'scan.nrrd$')" 4 "the one-machine scan_list.pkl lists the four NRRDs"
is "$(pkl "$T/cluster")" "$one_pkl" "the cluster's scan_list.pkl lists the same scans, in the same order"

ok "submitting again once everything is done" \
	make -C "$TOP" slurm-pretrain-data SHARDS=3 DATA="$T/cluster" "${vars[@]}"
jobs=$(slurm_last_jobs "$T/cluster")
is "${jobs%,*}" none "queues no shard task"
ok "only the index job, which ends" slurm_wait_jobs "${jobs#*,}"
is "$(slurm_job_states "${jobs#*,}")" COMPLETED "and completes"
is "$(nrrds "$T/cluster")" "$(cat "$T/one.md5")" "the NRRDs are unchanged"
done_testing
