# tests/bqserver.sh: the BigQuery stand-in of the tests (tests/bqserver.js).
#
#   . "$TESTS/bqserver.sh"
#   bq_start ROWS.json [--token T] [--page N] [--pending K] [--fault SPEC]...  # sets BQ_URL; stopped by at_exit
#   bq_stat EXPR        # a value of its /_stats JSON, as a JavaScript expression of s (e.g. s.posts)
bq_start() {
	local rows=$1 portfile=$T/.bq.port.$RANDOM; shift
	bq_stop
	node "$TESTS/bqserver.js" --rows "$rows" --port-file "$portfile" "$@" >"$T/bqserver.log" 2>&1 &
	BQ_PID=$!
	at_exit bq_stop
	wait_for 20 test -s "$portfile" || { cat "$T/bqserver.log" >&2; return 1; }
	BQ_URL=http://127.0.0.1:$(cat "$portfile")
	export BQ_URL
}

bq_stop() {
	[ -n "${BQ_PID:-}" ] && kill "$BQ_PID" 2>/dev/null && wait "$BQ_PID" 2>/dev/null
	BQ_PID=""
}

bq_stat() {
	curl -sf "$BQ_URL/_stats" | node -e 'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>{const s=JSON.parse(t);const v=eval(process.argv[1]);console.log(typeof v==="object"?JSON.stringify(v):v)})' "$1"
}
