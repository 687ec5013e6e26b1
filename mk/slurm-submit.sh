#!/usr/bin/env bash
# mk/slurm-submit.sh TOP DATA SHARDS SHARD_PLAN SLURM_ARGS [VAR=VALUE...]: the submitting half
# of `make slurm-pretrain-data` (mk/slurm.mk), run once every plan is written. SHARD_PLAN is a
# printf pattern: shard i's plan table (ct-plan --tsv) is $(printf SHARD_PLAN i).
#
# Writes what each job runs to DATA/pretrain/slurm/{shard,index}.sh (readable, and what Slurm
# copies at submission); submits one array job with a task per shard that has a scan not done
# yet (task i: make -k -j<cpus> pretrain-shard SHARD=i/SHARDS VAR=VALUE...) and the index job
# after it; adds their ids to DATA/pretrain/slurm/submissions.tsv and prints how to follow
# them. SLURM_ARGS go to both sbatch calls, split into words as the shell would split them
# (quotes group words: "--error='/scratch/my runs/e-%j.out'"), but never run as commands.
set -euo pipefail
top=$1 data=$2 shards=$3 shard_plan=$4 slurm_args=$5
shift 5
dir=$data/pretrain/slurm
# xargs splits on blanks, honouring quotes and backslashes, and executes nothing of the text.
if ! words=$(printf '%s' "$slurm_args" | xargs printf '%s\n' 2>&1); then
	echo "ctmake: SLURM_ARGS: cannot split into words (an unmatched quote?): $slurm_args" >&2
	exit 2
fi
sbatch_args=()
[ -z "$words" ] || mapfile -t sbatch_args <<<"$words"
for c in sbatch squeue scancel; do
	command -v "$c" >/dev/null || { echo "ctmake: $c not found: run this on a Slurm login node" >&2; exit 1; }
done
mkdir -p "$dir"
# sbatch hands this environment to the jobs: not the calling make's jobserver and flags.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES MAKE_TERMOUT MAKE_TERMERR

# Two submissions for one DATA at once would run two makes over the same scans.
key="ctmake:$data"
running=$(squeue -h -u "$(id -un)" -o '%A|%k' | awk -F'|' -v k="$key" '$2 == k { print $1 }' | sort -u | tr '\n' ' ')
if [ -n "$running" ]; then
	echo "ctmake: jobs of an earlier submission for $data are still queued or running: $running" >&2
	echo "ctmake: wait for them (squeue -u $(id -un)) or cancel them (scancel $running), then submit again" >&2
	exit 1
fi

vars=$(printf ' %q' "$@")
make_cmd="make -C $(printf %q "$top") --no-print-directory"
job_script() { # job_script FILE COMMAND: a batch script running COMMAND
	printf '#!/bin/bash\n# Written by make slurm-pretrain-data; Slurm ran a copy taken at submission.\nset -eu\n%s\n' "$2" >"$1.tmp"
	mv "$1.tmp" "$1"
}
# -j: the task's CPUs (--cpus-per-task in SLURM_ARGS), else what Slurm gave it on the node.
job_script "$dir/shard.sh" "exec $make_cmd -k -j\"\${SLURM_CPUS_PER_TASK:-\${SLURM_CPUS_ON_NODE:-1}}\" pretrain-shard SHARD=\"\$SLURM_ARRAY_TASK_ID/$shards\"$vars"
job_script "$dir/index.sh" "exec $make_cmd pretrain-index$vars"

# The array's tasks: the shards with a scan not done yet (all of them on a first run; after
# failures or preemption, just those), as ranges (1-40,45,47-60), which scale to many shards.
tasks="" ntasks=0 first=0 last=0
add_run() { [ "$first" -eq 0 ] || tasks=$tasks${tasks:+,}$first$([ "$last" -eq "$first" ] || echo "-$last"); }
for i in $(seq 1 "$shards"); do
	plan=$(printf "$shard_plan" "$i")
	[ -r "$plan" ] || { echo "ctmake: $plan: missing (the plans are written before submission)" >&2; exit 1; }
	[ "$("$top/bin/ct-status" --not-done "$plan" "$data/pretrain")" -gt 0 ] || continue
	ntasks=$((ntasks + 1))
	if [ "$first" -gt 0 ] && [ "$i" -eq $((last + 1)) ]; then last=$i; else add_run; first=$i last=$i; fi
done
add_run

submit() { sbatch --parsable --comment="$key" "${sbatch_args[@]}" "$@" | cut -d';' -f1; }
array="" after=()
if [ "$ntasks" -gt 0 ]; then
	array=$(submit --job-name=ctmake-shards --array="$tasks" --output="$dir/shard-%A_%a.out" "$dir/shard.sh")
	after=(--dependency="afterok:$array" --kill-on-invalid-dep=yes)
fi
if ! index=$(submit --job-name=ctmake-index "${after[@]}" --output="$dir/index-%j.out" "$dir/index.sh"); then
	[ -z "$array" ] || scancel "$array"
	echo "ctmake: the index job could not be submitted${array:+; cancelled the shards ($array)}" >&2
	exit 1
fi

# A line per submission, for the record (and for scripts that wait on the jobs).
[ -e "$dir/submissions.tsv" ] || printf 'submitted\tshards\ttasks\tarray_job\tindex_job\n' >"$dir/submissions.tsv"
printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$shards" "${tasks:-none}" "${array:-none}" "$index" \
	>>"$dir/submissions.tsv"

if [ -n "$array" ]; then
	[ "$ntasks" -eq "$shards" ] && what="all $shards shards" || what="$ntasks of $shards shards (tasks $tasks; the others are done)"
	echo "ctmake: submitted $what as array job $array,"
	echo "and the index job $index: it starts when every task has succeeded; if one fails, Slurm cancels it."
else
	echo "ctmake: every shard is done; submitted the index job $index."
fi
cat <<EOF
  queue:     squeue -j ${array:+$array,}$index
  progress:  make -C $top status DATA=$data
  logs:      $dir/${array:+shard-${array}_<task>.out, }index-$index.out
             one scan's steps: $data/pretrain/logs/<series uuid>.log
  results:   $data/pretrain/scan_list.pkl, index.tsv, failed.tsv
After a failure or preemption, run the same command again: only unfinished scans are redone.
EOF
