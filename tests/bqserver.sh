# tests/bqserver.sh: the BigQuery stand-in of the tests (tests/bqserver.js).
#
#   . "$TESTS/bqserver.sh"
#   bq_start ROWS.json [--token T] [--page N] [--pending K] [--fault SPEC]...
#                       # (re)starts it; sets BQ_URL (exported); stopped by at_exit
#   bq_stat EXPR        # a value of its /_stats JSON, as a JavaScript expression of s (e.g. s.posts)
. "$TESTS/webserver.sh"

bq_start() {
	local rows=$1; shift
	bq_stop
	at_exit bq_stop
	node_server BQ bqserver.js --rows "$rows" "$@"
}

bq_stop() { node_server_stop BQ; }

bq_stat() {
	curl -sf "$BQ_URL/_stats" | node -e 'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>{const s=JSON.parse(t);const v=eval(process.argv[1]);console.log(typeof v==="object"?JSON.stringify(v):v)})' "$1"
}
