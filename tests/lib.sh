# tests/lib.sh: the tiny test library every shell test sources.
#
#   . "$(dirname "$0")/../lib.sh"
#   ok "what it proves" command args...     # passes when the command exits 0
#   is "$got" "$expected" "what it proves"   # passes when the strings are equal
#   done_testing                             # prints the TAP plan, exits 1 if anything failed
#
# Each test gets $T, a scratch directory removed on exit (kept when CT_KEEP=1, or printed on
# failure with CT_KEEP=fail), and at_exit "command" to register cleanups (run last-in first-out,
# also when the test fails or is interrupted). Output is TAP, read by prove.
set -u

TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$TESTS")
BIN=${CT_BIN:-$TOP/bin}
PATH=$BIN:$PATH
# Debian's python3 carries pydicom and numpy; a python3 earlier on PATH (pyenv) may not.
PYTHON=${CT_PYTHON:-/usr/bin/python3}
export TOP BIN PATH PYTHON

T=$(mktemp -d "${TMPDIR:-/tmp}/ctmake-test.XXXXXX")
_n=0
_failed=0
_cleanups=""

at_exit() { _cleanups="$1
$_cleanups"; }

_finish() {
	local rc=$?
	local IFS='
'
	for c in $_cleanups; do eval "$c" >/dev/null 2>&1 || true; done
	if [ "${CT_KEEP:-}" = 1 ] || { [ "${CT_KEEP:-}" = fail ] && [ "$_failed" -gt 0 ]; }; then
		echo "# scratch kept: $T" >&2
	else
		rm -rf "$T"
	fi
	exit $rc
}
trap _finish EXIT
trap 'exit 130' INT TERM

diag() { printf '%s\n' "$@" | sed 's/^/# /' >&2; }

pass() { _n=$((_n + 1)); echo "ok $_n - $1"; }
fail() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $1"; }

ok() {
	local desc=$1 rc=0; shift
	"$@" >"$T/.ok.out" 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then
		pass "$desc"
	else
		fail "$desc"
		diag "command: $*" "exit: $rc"
		tail -n 20 "$T/.ok.out" | diag "$(cat)"
	fi
}

# ok_fails "desc" EXPECTED_STATUS command...: passes when the command exits with that status.
ok_fails() {
	local desc=$1 want=$2; shift 2
	"$@" >"$T/.ok.out" 2>&1
	local got=$?
	if [ "$got" = "$want" ]; then pass "$desc"; else
		fail "$desc"; diag "command: $*" "exit: $got, wanted $want"
		tail -n 20 "$T/.ok.out" | diag "$(cat)"
	fi
}

is() {
	if [ "$1" = "$2" ]; then pass "$3"; else
		fail "$3"; diag "got:      $1" "expected: $2"
	fi
}

isnt() {
	if [ "$1" != "$2" ]; then pass "$3"; else fail "$3"; diag "both: $1"; fi
}

skip_all() { echo "1..0 # SKIP $1"; trap - EXIT; rm -rf "$T"; exit 0; }

done_testing() {
	echo "1..$_n"
	[ "$_failed" -eq 0 ]
}

# A free TCP port on 127.0.0.1 (bound and released; the caller binds it right after).
free_port() {
	node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# wait_for SECONDS command...: poll until the command succeeds, fail after the bound.
wait_for() {
	local limit=$1 i=0; shift
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt $((limit * 10)) ] && return 1
		sleep 0.1
	done
}

md5_of() { md5sum "$1" | cut -d' ' -f1; }
