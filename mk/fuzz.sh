#!/bin/sh
# mk/fuzz.sh FUZZ_DIR SECONDS HARNESS...: run each libFuzzer harness (FUZZ_DIR/bin/NAME) for
# SECONDS under its limits, over FUZZ_DIR/corpus/NAME (kept between runs) and the seeds
# (FUZZ_DIR/seeds/NAME, made once by tests/fuzz/seeds.sh). One line a harness in
# FUZZ_DIR/summary.tsv (or $FUZZ_SUMMARY: executions, coverage, corpus, peak RSS, verdict); exits 1 when any
# harness found a crash, leak, hang (10 s an input) or an allocation above its limit, whose
# input is then in FUZZ_DIR/findings/. FUZZ_SEED=N fixes libFuzzer's random seed (CI: the same
# mutations every run, so a gate does not pass or fail on the dice).
set -u
export LC_ALL=C # libFuzzer's status lines quote dictionary words, bytes that are no UTF-8
dir=$1 secs=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$dir/seeds/.done" ]; then
	rm -rf "$dir/seeds"
	bash "$top/tests/fuzz/seeds.sh" "$dir/seeds" || { echo "fuzz: making the seeds failed" >&2; exit 1; }
	touch "$dir/seeds/.done"
fi

# The largest single allocation each harness may make (MB), from the bounds its parser
# documents (tests/fuzz/README.md), and the largest input it is given.
limits() {
	case $1 in
	dicom|volume|series) echo "200 262144" ;;  # 2 x 4 B x CT_DICOM_MAX_PIXELS + the file; 2^22 voxels
	archive) echo "160 1048576" ;;      # members held to 64 MiB in the harness
	nifti) echo "160 65536" ;;          # voxels no more than the file can hold (1032x)
	npy) echo "64 1048576" ;;
	*) echo "64 65536" ;;
	esac
}

summary=${FUZZ_SUMMARY:-$dir/summary.tsv}
mkdir -p "$dir/findings" "$dir/logs"
printf 'harness\tseconds\texecutions\tcov\tft\tcorpus\tpeak_rss_mb\tverdict\n' > "$summary"
failed=""
for h in "$@"; do
	set -- $(limits "$h")
	mkdir -p "$dir/corpus/$h"
	dict=$top/tests/fuzz/dict/$h.dict
	log=$dir/logs/$h.log
	# Scratch files under FUZZ_DIR/tmp: a harness that dies cannot clean up after itself.
	rm -rf "$dir/tmp/$h"
	mkdir -p "$dir/tmp/$h"
	# A CPU budget of 0.25 s (plus 1 ms a kB) for each call into GDCM (lib/budget.h): a harness
	# may read four files, all within the 10 s an input has.
	TMPDIR=$dir/tmp/$h CT_CPU_BUDGET_MS=250 LSAN_OPTIONS=suppressions=$top/tests/fuzz/lsan.supp CT_FUZZ_DICOM=$dir/seeds/pattern.dcm nice -n 19 "$dir/bin/$h" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -malloc_limit_mb="$1" -max_len="$2" -print_final_stats=1 \
		$( [ -f "$dict" ] && echo "-dict=$dict" ) ${FUZZ_SEED:+-seed=$FUZZ_SEED} -artifact_prefix="$dir/findings/$h-" \
		"$dir/corpus/$h" "$dir/seeds/$h" >"$log" 2>&1
	rc=$?
	rm -rf "$dir/tmp/$h"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
	last=$(grep -aE '^#[0-9]+' "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	verdict=ok
	[ "$rc" = 0 ] || { verdict="FOUND (exit $rc): $(grep -am1 -E '^==[0-9]+== ?ERROR|^SUMMARY|out-of-memory|runtime error|ALARM|deadly signal' "$log" | cut -c1-120)"; failed="$failed $h"; }
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$h" "$secs" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}" "$verdict" >> "$summary"
	printf 'fuzz: %-9s %8s runs in %ss, cov %s, corpus %s: %s\n' "$h" "${execs:-?}" "$secs" "${cov:-?}" "${corp:-?}" "$verdict" >&2
done
if [ -n "$failed" ]; then
	echo "fuzz: findings in:$failed (inputs in $dir/findings/, logs in $dir/logs/). Once fixed, commit each input" >&2
	echo "      as tests/fuzz/regress/<harness>/<name>: make check replays it (test 1300)." >&2
	exit 1
fi
