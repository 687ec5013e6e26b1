#!/usr/bin/env bash
# A closed port or a name that does not resolve is tried 4 times an endpoint (at most 1 s apart),
# not through the 10-retry backoff meant for resets and busy servers (which cost 93 s): counted
# as connect() calls under strace. Resets, 5xx and 429 are still retried as many times as before.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/fetchworld.sh"

command -v strace >/dev/null || { fail "strace is installed (make deps)"; done_testing; exit; }
connects() { grep -c "connect(.*htons($1)" "$2"; }

closed=$(free_port)
strace -f -qq -e trace=connect -o "$T/trace1" ct-fetch --endpoint "http://127.0.0.1:$closed" s3://idc-open-data/ser/ "$T/d1" 2>"$T/err1"
is "$? $(connects "$closed" "$T/trace1")" "1 4" "a refused connection: exit 1 after 4 attempts"
ok "the error says it was unreachable" grep -q "Couldn't connect.*unreachable" "$T/err1"
test -e "$T/d1"; is $? 1 "nothing written"

other=$(free_port)
strace -f -qq -e trace=connect -o "$T/trace2" ct-fetch --endpoint "http://127.0.0.1:$closed" \
	--endpoint "http://127.0.0.1:$other" s3://idc-open-data/ser/ "$T/d2" 2>/dev/null
is "$? $(connects "$closed" "$T/trace2") $(connects "$other" "$T/trace2")" "1 4 4" "two closed endpoints: 4 attempts each"

strace -f -qq -e trace=connect -o "$T/trace3" ct-fetch --url "http://127.0.0.1:$closed/x.zip" \
	--md5 d41d8cd98f00b204e9800998ecf8427e "$T/x.zip" 2>/dev/null
is "$? $(connects "$closed" "$T/trace3")" "1 4" "--url: the same 4 attempts"

# A name that does not resolve: at most 4 lookups (each a connect() to a DNS server, none at all
# where the machine has no resolver).
strace -f -qq -e trace=connect -o "$T/trace4" ct-fetch --endpoint http://ctmake-nowhere.invalid s3://idc-open-data/ser/ "$T/d4" 2>"$T/err4"
rc=$?
lookups=$(connects 53 "$T/trace4")
is "$rc $(grep -c "resolve.*unreachable" "$T/err4")" "1 1" "a name that does not resolve: exit 1, unreachable"
ok "... after at most 4 lookups ($lookups)" test "$lookups" -le 4

# Busy servers and resets: as many retries as before, then the objects arrive.
fetch_world 3 100000 || { fail "world starts"; done_testing; exit; }
proxy_rule '{"path":"00001\\.dcm$","action":"status","status":503,"retryAfter":0,"times":4}'
proxy_rule '{"path":"00002\\.dcm$","action":"reset","after":10,"times":4}'
proxy_rule '{"path":"00003\\.dcm$","action":"status","status":429,"retryAfter":0,"times":4}'
ok "503, a reset and 429 four times each: every object arrives" ct-fetch --endpoint "$PROXY_URL" "$SRC" "$T/busy"
ok "with its bytes" same_tree "$T/objs" "$T/busy"
is "$(proxy_sum requests '00001\.dcm$') $(proxy_sum requests '00002\.dcm$') $(proxy_sum requests '00003\.dcm$')" "5 5 5" \
	"each retried past the 4 attempts an unreachable host gets"
done_testing
