#!/usr/bin/env bash
# The test cluster (tests/slurm.sh) does what slurm-pretrain-data relies on: an array job's
# tasks each see their index, a job with afterok on the array runs once every task succeeded,
# a failed task cancels it (--kill-on-invalid-dep=yes, with no cluster-wide setting) instead of
# leaving it pending, and stopping the cluster leaves no daemon behind.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/slurm.sh"
slurm_require
slurm_start_or_bail
out=$T/out
mkdir -p "$out"

# submit_pair FAIL_TASK: an array of 3 tasks (task FAIL_TASK exits 1) and a final job after it.
submit_pair() {
	array=$(sbatch --parsable --array=1-3 -o "$out/a-%A_%a.out" \
		--wrap "echo \$SLURM_ARRAY_TASK_ID > $out/task-\$SLURM_ARRAY_JOB_ID-\$SLURM_ARRAY_TASK_ID; [ \$SLURM_ARRAY_TASK_ID != $1 ]")
	final=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes -o "$out/f-%j.out" \
		--wrap "echo ran > $out/final-$1")
}

submit_pair 0
ok "the jobs end" slurm_wait_jobs "$array,$final"
is "$(cat "$out"/task-"$array"-* | sort | tr '\n' ' ')" "1 2 3 " "each array task ran once with its own index"
is "$(slurm_job_states "$array" | tr '\n' ' ')" "COMPLETED COMPLETED COMPLETED " "every task completed"
is "$(cat "$out/final-0" 2>/dev/null)" "ran" "the afterok job ran after the array"

submit_pair 2
ok "the jobs end (none left pending)" slurm_wait_jobs "$array,$final"
is "$(slurm_job_states "$array" | tr '\n' ' ')" "COMPLETED FAILED COMPLETED " "task 2 failed, the others completed"
is "$(slurm_job_states "$final")" "CANCELLED" "the afterok job was cancelled, not left pending"
ok "and it never ran" test ! -e "$out/final-2"

pids="$SLURM_D_PID $SLURM_CTLD_PID $SLURM_MUNGED_PID"
slurm_stop
alive=""
for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
is "$alive" "" "stopping the cluster ends slurmd, slurmctld and munged"
done_testing
