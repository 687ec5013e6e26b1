#!/usr/bin/env bash
# A cluster run whose manifest names a series missing from the mirror: that series' shard task
# fails (its other scan still finishes), the index job is cancelled rather than left pending,
# and, once the series is there, submitting again finishes every scan and redoes none that was
# done (only its shard is queued again). SLURM_ARGS reach sbatch, split as the shell splits
# words (a quoted path with a space stays one argument), and a second submission while the
# first is queued is refused.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/slurm.sh"
slurm_require
slurm_and_mirror_or_bail
for s in s1 s2 s3; do
	slurm_series_put "$s" idc-open-data || { echo "Bail out! seeding $s failed"; exit 1; }
done
for s in s1 s2 s3 s4; do slurm_series_line "$s" idc-open-data; done > "$T/manifest.txt"
D=$T/data P=$T/data/pretrain
missing=$(idc_uuid slurm/s4) done_early=$(idc_uuid slurm/s3)
submit() { make -C "$TOP" slurm-pretrain-data SHARDS=3 DATA="$D" MANIFEST="$T/manifest.txt" IDC_ENDPOINT="$MIRROR_URL" "$@"; }

mkdir "$T/slurm err"
ok "submitting with SLURM_ARGS=\"--hold '--error=…/slurm err/e-%j.out'\"" \
	submit SLURM_ARGS="--hold '--error=$T/slurm err/e-%j.out'"
jobs=$(slurm_last_jobs "$D")
is "$(squeue -h -j "$jobs" -o '%T %r' | sort -u)" "PENDING JobHeldUser" "SLURM_ARGS reached sbatch: both jobs are held"
submit SLURM_ARGS="--hold '--error=x" >/dev/null 2>"$T/quote.err"
is "$? $(grep -c 'SLURM_ARGS: cannot split' "$T/quote.err")" "2 1" "SLURM_ARGS with an unmatched quote: refused, saying why (make exits 2)"
ok_fails "a second submission while those are queued is refused (make exits 2)" 2 submit
is "$(squeue -h -o %A | sort -nu | tr '\n' ,)" "$jobs," "and submitted nothing: the queue holds the first submission's jobs only"
ok "releasing the jobs" scontrol release "${jobs%,*},${jobs#*,}"
ok "the array and the index job end" slurm_wait_jobs -t 90 "$jobs"
is "$(ls "$T/slurm err" | grep -c '^e-.*\.out$')" 3 "the quoted --error path with a space was one argument: the 3 tasks wrote there"

shard=$(grep -l "^$missing" "$P"/plans/all-shard*of3.tsv | sed -E 's/.*shard([0-9])of3.tsv/\1/')
ok "the missing series shares its shard ($shard) with a series that is there" grep -q "^$done_early" "$P/plans/all-shard${shard}of3.tsv"
want=$(for i in 1 2 3; do if [ "$i" = "$shard" ]; then echo FAILED; else echo COMPLETED; fi; done | tr '\n' ' ')
is "$(slurm_job_states "${jobs%,*}" | tr '\n' ' ')" "$want" "the missing series' shard task failed, the others completed"
is "$(slurm_job_states "${jobs#*,}")" CANCELLED "the index job was cancelled, not left pending"
is "$(cut -f1,2 "$P/failed/$missing.tsv" 2>/dev/null)" "$missing	fetch" "the missing series is recorded as failed at fetch"
ok "the other scan of that shard finished all the same" test -s "$P/records/$done_early.tsv"
nrrd=$(cat "$P/dicom/$done_early/.scandir")/scan.nrrd
before=$(stat -c '%i %y' "$nrrd")
ok "its NRRD is written" test -n "$before"

slurm_series_put s4 idc-open-data
ok "submitting again, the series now in the mirror" submit
jobs=$(slurm_last_jobs "$D")
ok "the jobs end" slurm_wait_jobs -t 90 "$jobs"
is "$(slurm_array_tasks "${jobs%,*}")" "$shard" "the array held only the unfinished shard's task"
is "$(slurm_job_states "${jobs%,*}")" COMPLETED "and it completed"
is "$(slurm_job_states "${jobs#*,}")" COMPLETED "the index job ran and completed"
is "$("$PYTHON" -c 'import pickle, sys; print(len(pickle.load(open(sys.argv[1], "rb"))))' "$P/scan_list.pkl")" 4 \
	"scan_list.pkl lists all four scans"
is "$(cat "$P/failed.tsv")" "scan	step	reason" "failed.tsv lists none (its header only)"
ok "the missing series is converted now" test -s "$P/records/$missing.tsv"
is "$(stat -c '%i %y' "$nrrd")" "$before" "the scan done in the first run was not redone (same inode and mtime)"
done_testing
