#!/usr/bin/env bash
# mk/slurm-submit.sh TOP DATA SHARDS SLURM_ARGS [VAR=VALUE...]: the submitting half of
# `make slurm-pretrain-data` (mk/slurm.mk), run once every plan is written.
#
# Writes what each job runs to DATA/pretrain/slurm/{shard,index}.sh (readable, and what Slurm
# copies at submission), submits the array of SHARDS tasks (task i: make -k -j<cpus>
# pretrain-shard SHARD=i/SHARDS VAR=VALUE...) and the index job after it, adds their ids to
# DATA/pretrain/slurm/submissions.tsv and prints how to follow them. SLURM_ARGS (split into
# words, no quoting) go to both sbatch calls.
set -euo pipefail
top=$1 data=$2 shards=$3 slurm_args=$4
shift 4
dir=$data/pretrain/slurm
mkdir -p "$dir"
# sbatch hands this environment to the jobs: not the calling make's jobserver and flags.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

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

# shellcheck disable=SC2086 # SLURM_ARGS is a list of sbatch options
submit() { sbatch --parsable --comment="$key" $slurm_args "$@" | cut -d';' -f1; }
array=$(submit --job-name=ctmake-shards --array="1-$shards" --output="$dir/shard-%A_%a.out" "$dir/shard.sh")
if ! index=$(submit --job-name=ctmake-index --dependency="afterok:$array" --kill-on-invalid-dep=yes \
	--output="$dir/index-%j.out" "$dir/index.sh"); then
	scancel "$array"
	echo "ctmake: the index job could not be submitted; cancelled the shards ($array)" >&2
	exit 1
fi

# A line per submission, for the record (and for scripts that wait on the jobs).
[ -e "$dir/submissions.tsv" ] || printf 'submitted\tshards\tarray_job\tindex_job\n' >"$dir/submissions.tsv"
printf '%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$shards" "$array" "$index" >>"$dir/submissions.tsv"

cat <<EOF
ctmake: submitted $shards shards as array job $array, and the index job $index (it starts when
every shard has succeeded; if one fails, Slurm cancels it).
  queue:     squeue -j $array,$index
  progress:  make -C $top status DATA=$data
  logs:      $dir/shard-${array}_<i>.out (i = 1..$shards), $dir/index-$index.out
             one scan's steps: $data/pretrain/logs/<series uuid>.<step>.log
  results:   $data/pretrain/scan_list.pkl, index.tsv, failed.tsv
After a failure or preemption, run the same command again: only unfinished scans are redone.
EOF
