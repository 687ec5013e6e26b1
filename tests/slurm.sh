# tests/slurm.sh: a one-node Slurm cluster on 127.0.0.1 for the tests (sourced after lib.sh).
#
#   . "$TESTS/slurm.sh"
#   slurm_require                     # skip_all unless slurmctld, slurmd, sbatch, munged are there
#   slurm_start                       # munged, slurmctld, slurmd in $T/slurm; exports SLURM_CONF;
#                                     # returns once the node is idle; stopped by at_exit
#   slurm_start_or_bail               # the same, or "Bail out!" with the daemons' logs
#   slurm_and_mirror_or_bail          # also the local S3 mirror (mirror.sh, idc.sh sourced)
#   slurm_wait_jobs [-t SECONDS] IDS  # until none of the jobs (comma-separated) is queued or running
#   slurm_job_states ID               # the state of the job, or of each task of an array, one a line
#   slurm_array_tasks ID              # the task ids of array job ID, one a line
#
# The settings come from ../shared/reference/SLURM.md: no systemd, no cgroups, no accounting
# (outcomes come from `scontrol show job`, which keeps finished jobs for MinJobAge seconds),
# private munge key and socket, free ports. The daemons run in the foreground (-D, munged -F),
# so $! is their pid: they delete their own pid files.

slurm_installed() {
	local c
	for c in slurmctld slurmd sbatch squeue scontrol sinfo munged mungekey; do
		command -v "$c" >/dev/null 2>&1 || return 1
	done
}

slurm_require() {
	slurm_installed || skip_all "Slurm is not installed (slurmctld slurmd slurm-client munge: make deps)"
}

slurm_start() {
	local d=$T/slurm me cport dport
	me=$(id -un)
	mkdir -p "$d/munge" "$d/msock" "$d/state" "$d/spool" "$d/log"
	chmod 700 "$d/munge"
	chmod 755 "$d/msock"
	# munged wants every directory above its socket searchable by all ("Socket is
	# inaccessible: execute permissions for all required"); a mktemp -d is 700.
	chmod 711 "$T"
	mungekey -c -k "$d/munge/munge.key" || return 1
	munged -F -S "$d/msock/munge.sock" --key-file="$d/munge/munge.key" \
		--log-file="$d/log/munged.log" --pid-file="$d/log/munged.pid" \
		--seed-file="$d/munge/munge.seed" >"$d/log/munged.out" 2>&1 &
	SLURM_MUNGED_PID=$!
	at_exit "slurm_stop"
	wait_for 10 test -S "$d/msock/munge.sock" || { slurm_show_logs; return 1; }

	cport=$(free_port)
	dport=$(free_port)
	while [ "$dport" = "$cport" ]; do dport=$(free_port); done
	cat >"$d/slurm.conf" <<-EOF
	ClusterName=ctmake-test
	SlurmctldHost=localhost(127.0.0.1)
	SlurmctldPort=$cport
	SlurmdPort=$dport
	SlurmUser=$me
	SlurmdUser=$me
	AuthType=auth/munge
	CredType=cred/munge
	AuthInfo=socket=$d/msock/munge.sock
	StateSaveLocation=$d/state
	SlurmdSpoolDir=$d/spool
	SlurmctldPidFile=$d/log/slurmctld.pid
	SlurmdPidFile=$d/log/slurmd.pid
	SlurmctldLogFile=$d/log/slurmctld.log
	SlurmdLogFile=$d/log/slurmd.log
	ProctrackType=proctrack/linuxproc
	TaskPlugin=task/none
	JobAcctGatherType=jobacct_gather/none
	AccountingStorageType=accounting_storage/none
	JobCompType=jobcomp/filetxt
	JobCompLoc=$d/log/jobcomp.txt
	SelectType=select/cons_tres
	SelectTypeParameters=CR_Core
	SlurmdParameters=config_overrides
	ReturnToService=2
	MpiDefault=none
	SchedulerParameters=batch_sched_delay=0
	NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
	PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
	EOF
	# Deliberately no DependencyParameters=kill_invalid_depend: the jobs must ask for
	# --kill-on-invalid-dep themselves, as they must on a cluster whose admin did not set it.
	SLURM_CONF=$d/slurm.conf
	export SLURM_CONF
	slurmctld -D -i -f "$SLURM_CONF" >"$d/log/slurmctld.out" 2>&1 &
	SLURM_CTLD_PID=$!
	slurmd -D -f "$SLURM_CONF" -N localhost >"$d/log/slurmd.out" 2>&1 &
	SLURM_D_PID=$!
	wait_for 30 slurm_node_idle || { slurm_show_logs; return 1; }
}

slurm_start_or_bail() {
	slurm_start && return 0
	echo "Bail out! the test Slurm cluster did not start (logs above)"
	exit 1
}

slurm_and_mirror_or_bail() {
	. "$TESTS/mirror.sh"
	. "$TESTS/idc.sh"
	. "$TESTS/ct.sh"
	mirror_start || { echo "Bail out! the local S3 mirror did not start"; exit 1; }
	slurm_start_or_bail
}

slurm_node_idle() { [ "$(sinfo -h -o %T 2>/dev/null)" = idle ]; }

slurm_show_logs() {
	tail -n 5 "$T"/slurm/log/*.log "$T"/slurm/log/*.out 2>/dev/null | diag "$(cat)"
}

# Cancel what is left, then slurmd before slurmctld (the other order makes slurmd retry for
# seconds), then munged. Each wait is bounded.
slurm_stop() {
	if [ -n "${SLURM_CTLD_PID:-}" ]; then
		scancel --full --quiet -u "$(id -un)" 2>/dev/null
		wait_for 10 _slurm_queue_empty
	fi
	_slurm_kill "${SLURM_D_PID:-}"
	_slurm_kill "${SLURM_CTLD_PID:-}"
	_slurm_kill "${SLURM_MUNGED_PID:-}"
	SLURM_D_PID="" SLURM_CTLD_PID="" SLURM_MUNGED_PID=""
}

# _slurm_kill PID: TERM, up to 10 s for it to end, then KILL.
_slurm_kill() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || return 0
	wait_for 10 _slurm_gone "$1" || kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}
_slurm_queue_empty() { [ -z "$(squeue -h -o %i 2>/dev/null)" ]; }
_slurm_gone() { ! kill -0 "$1" 2>/dev/null; }

# slurm_wait_jobs [-t SECONDS] IDS: poll squeue until none of IDS (comma-separated job ids, an
# array's id covers its tasks) is pending or running. Default bound 60 s; fails past it.
slurm_wait_jobs() {
	local limit=60
	if [ "$1" = -t ]; then limit=$2; shift 2; fi
	wait_for "$limit" _slurm_jobs_gone "$1" || {
		diag "jobs still queued after ${limit}s:" "$(squeue -j "$1" 2>&1)"
		return 1
	}
}
_slurm_jobs_gone() {
	local q
	q=$(squeue -h -j "$1" -o %i 2>&1) || return 1
	[ -z "$q" ]
}

# slurm_job_states ID: JobState of the job, or of each task of the array ID in task order.
slurm_job_states() {
	scontrol -o show job "$1" | sed -E 's/.*ArrayTaskId=([0-9]+) .*JobState=([A-Z_]+).*/\1 \2/; s/.*JobState=([A-Z_]+).*/\1/' |
		sort -n | sed -E 's/^[0-9]+ //'
}

slurm_array_tasks() {
	scontrol -o show job "$1" | sed -nE 's/.*ArrayTaskId=([0-9]+) .*/\1/p' | sort -n
}

# The pre-training tests' series (needs mirror.sh, idc.sh and ct.sh): a small generated CT series
# (64x64x20, its voxels fixed by NAME), its UUID idc_uuid slurm/NAME.
#   slurm_series_put NAME BUCKET    # generate it once and seed it into the mirror, as IDC lays it out
#   slurm_series_line NAME BUCKET   # its manifest line
slurm_series_put() {
	local src=$T/series/$1
	[ -d "$src" ] || gen "$src" --rows 64 --cols 64 --slices 20 --seed "$(printf '%s' "$1" | cksum | cut -c1-6)" \
		--patient-id "SLURM-$1" || return 1
	idc_put_series "$2" "$(idc_uuid "slurm/$1")" "$src"
}
slurm_series_line() { echo "cp s3://$2/$(idc_uuid "slurm/$1")/* ."; }

# slurm_last_jobs DATA: "ARRAY,INDEX", the jobs of DATA's last slurm-pretrain-data submission
# (ARRAY is "none" when every shard was done).
slurm_last_jobs() {
	tail -n 1 "$1/pretrain/slurm/submissions.tsv" | cut -f4,5 | tr '\t' ,
}
