#!/bin/sh
# mk/deps.sh: install the Debian packages ctmake needs, and only the missing ones.
# Silent when nothing is missing. As root it runs apt-get; otherwise sudo when there is one;
# otherwise it prints the exact command and fails.
set -eu

# Build: compiler, pkg-config, and one library per concern (see DESIGN.md).
BUILD="make gcc g++ pkg-config libcurl4-openssl-dev libssl-dev libgdcm-dev libdeflate-dev
zlib1g-dev libexpat1-dev libarchive-dev libjansson-dev libnifti2-dev libcsv-dev"
# Tests: TAP runner, Node for s3rver and the fault proxy, python3 with pydicom (fixtures, real CT
# series, loading the pickle), the reference converters, gdcmconv for compressed fixtures,
# curl/openssl for the test servers, Slurm for the cluster test, strace (counting connection
# attempts in test 2010).
TESTS="perl curl openssl ca-certificates node=nodejs npm=npm python3 python3-pydicom python3-numpy
libgdcm-tools plastimatch dcm2niix teem-apps slurmctld slurmd slurm-client munge strace"
# make fuzz: clang 14 with libFuzzer and the sanitizer runtimes.
FUZZ="clang-14 libclang-rt-14-dev"
# Benchmarks compare against these.
BENCH="aria2 time"
# bench/downstream.sh compares ct-unpack with unzip.
BENCH="$BENCH unzip"

want="$BUILD $TESTS $FUZZ $BENCH"
missing=""
# An entry COMMAND=PACKAGE is satisfied by the command alone (Node may come from elsewhere,
# with npm inside it); a plain entry must be an installed Debian package.
for p in $want; do
	case $p in
	*=*) command -v "${p%%=*}" >/dev/null 2>&1 || missing="$missing ${p#*=}" ;;
	*) st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	   [ "$st" = installed ] || missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
echo "ctmake: installing missing packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null
elif command -v sudo >/dev/null 2>&1; then
	sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
	echo "ctmake: not root and no sudo; run as root: apt-get update && $cmd" >&2
	exit 1
fi
