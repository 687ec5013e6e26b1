# tests/faultproxy.sh: the fault proxy (tests/faultproxy.js) for shell tests.
#
#   . "$TESTS/faultproxy.sh"          (after tests/lib.sh)
#   proxy_start UPSTREAM_URL          # sets PROXY_URL; stopped by at_exit
#   proxy_rule '<json rule>'          # add a rule (or a JSON array of rules), see below
#   proxy_stats                       # the counts as JSON
#   proxy_sum requests|bytes REGEX    # sum of request counts (keys "METHOD /path") or body bytes
#                                     # (keys "/path") whose key matches REGEX (JavaScript)
#   proxy_span REGEX                  # milliseconds from the first to the last request whose key
#                                     # ("METHOD /path") matches REGEX
#   proxy_reset [rules|stats]         # drop the rules, zero the counts, or both (no argument)
#
# Rules (the full list is at the top of tests/faultproxy.js):
#   {"path":"REGEX","method":"GET","action":"reset","after":1000,"times":1}
#   {"action":"truncate","after":N}   {"action":"stall","after":N,"seconds":S}
#   {"action":"flip","at":OFFSET}     {"action":"status","status":503,"retryAfter":1}
#   {"action":"respond","status":200,"body":"<xml...>"}   {"action":"gcs","times":"always"}
# "times": 1 (default), N or "always". path is tested against the path with its query.

proxy_start() {
	local port
	port=$(free_port)
	node "$TESTS/faultproxy.js" "$1" "$port" >"$T/faultproxy.log" 2>&1 &
	PROXY_PID=$!
	at_exit "proxy_stop"
	PROXY_URL=http://127.0.0.1:$port
	export PROXY_URL
	wait_for 20 curl -sf "$PROXY_URL/__proxy/stats" || { cat "$T/faultproxy.log" >&2; return 1; }
}

proxy_stop() {
	[ -n "${PROXY_PID:-}" ] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null
	PROXY_PID=""
}

proxy_rule() {
	curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary "$1" "$PROXY_URL/__proxy/rules"
}

proxy_stats() {
	curl -sf "$PROXY_URL/__proxy/stats"
}

proxy_sum() {
	proxy_stats | node -e '
		let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
			const m = JSON.parse(s)[process.argv[1]], re = new RegExp(process.argv[2]);
			console.log(Object.keys(m).filter((k) => re.test(k)).reduce((a, k) => a + m[k], 0));
		});' "$1" "$2"
}

proxy_span() {
	proxy_stats | node -e '
		let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
			const at = JSON.parse(s).at, re = new RegExp(process.argv[1]);
			const t = [].concat(...Object.keys(at).filter((k) => re.test(k)).map((k) => at[k]));
			console.log(t.length ? Math.max(...t) - Math.min(...t) : 0);
		});' "$1"
}

proxy_reset() {
	case ${1:-} in
	rules) curl -sf -o /dev/null -X DELETE "$PROXY_URL/__proxy/rules" ;;
	stats) curl -sf -o /dev/null -X POST "$PROXY_URL/__proxy/reset?what=stats" ;;
	*) curl -sf -o /dev/null -X POST "$PROXY_URL/__proxy/reset" ;;
	esac
}
