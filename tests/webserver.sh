# tests/webserver.sh: the local web server of the downstream tests (tests/webserver.js).
#
#   . "$TESTS/webserver.sh"
#   web_start DIR [--429 N] [--cut BYTES] [--rate BYTES_PER_S]   # sets WEB_URL; stopped by at_exit
#   web_requests PATH                        # how many requests PATH received
#   web_bytes PATH                           # how many body bytes were sent for PATH
web_start() {
	local root=$1 portfile=$T/.web.port.$RANDOM; shift
	node "$TESTS/webserver.js" --root "$root" --port-file "$portfile" "$@" >"$T/webserver.log" 2>&1 &
	WEB_PID=$!
	at_exit web_stop
	wait_for 20 test -s "$portfile" || { cat "$T/webserver.log" >&2; return 1; }
	WEB_URL=http://127.0.0.1:$(cat "$portfile")
	export WEB_URL
}

web_stop() {
	[ -n "${WEB_PID:-}" ] && kill "$WEB_PID" 2>/dev/null && wait "$WEB_PID" 2>/dev/null
	WEB_PID=""
}

_web_stat() {
	curl -sf "$WEB_URL/_stats" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s)[process.argv[1]];console.log(o?o[process.argv[2]]:0)})' "$1" "$2"
}
web_requests() { _web_stat "$1" requests; }
web_bytes() { _web_stat "$1" bytes; }
