# tests/webserver.sh: the local web server of the downstream tests (tests/webserver.js), and the
# start of every Node test server that says its port in a file.
#
#   . "$TESTS/webserver.sh"
#   web_start DIR [--429 N] [--cut BYTES] [--rate BYTES_PER_S]   # sets WEB_URL; stopped by at_exit
#   web_requests PATH                        # how many requests PATH received
#   web_bytes PATH                           # how many body bytes were sent for PATH
#   node_server NAME SCRIPT ARGS...          # tests/SCRIPT on a free port (--port-file), log
#                                            # $T/<script>.log; sets NAME_PID and NAME_URL (exported)
#   node_server_stop NAME
node_server() {
	local name=$1 script=$2 portfile=$T/.$2.port.$RANDOM log=$T/${2%.js}.log; shift 2
	node "$TESTS/$script" --port-file "$portfile" "$@" >"$log" 2>&1 &
	eval "${name}_PID=\$!"
	wait_for 20 test -s "$portfile" || { cat "$log" >&2; return 1; }
	eval "${name}_URL=http://127.0.0.1:\$(cat \"\$portfile\")"
	export "${name}_URL"
}

node_server_stop() {
	local pid
	eval "pid=\${${1}_PID:-}"
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	eval "${1}_PID="
}

web_start() {
	local root=$1; shift
	at_exit web_stop
	node_server WEB webserver.js --root "$root" "$@"
}

web_stop() { node_server_stop WEB; }

_web_stat() {
	curl -sf "$WEB_URL/_stats" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s)[process.argv[1]];console.log(o?o[process.argv[2]]:0)})' "$1" "$2"
}
web_requests() { _web_stat "$1" requests; }
web_bytes() { _web_stat "$1" bytes; }
