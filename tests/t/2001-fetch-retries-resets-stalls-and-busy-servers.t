#!/usr/bin/env bash
# Resets, truncations and stalls mid-body are retried and resumed with Range (the proxy sends
# each object's bytes exactly once in total); 503 and 429 are retried after their Retry-After;
# a 500 on the listing is retried too.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/fetchworld.sh"

fetch_world 13 200000 || { fail "world starts"; done_testing; exit; }
proxy_rule '{"path":"00003\\.dcm$","action":"reset","after":50000,"times":2}'
proxy_rule '{"path":"00005\\.dcm$","action":"truncate","after":1000}'
proxy_rule '{"path":"00007\\.dcm$","action":"stall","after":100}'
proxy_rule '{"path":"00009\\.dcm$","action":"status","status":503,"retryAfter":1,"times":2}'
proxy_rule '{"path":"00011\\.dcm$","action":"status","status":429,"retryAfter":2}'
proxy_rule '{"path":"list-type=2","action":"status","status":500}'
proxy_rule '{"path":"00013\\.dcm$","action":"reset","after":60000}'
proxy_rule '{"path":"00013\\.dcm$","action":"status","status":503,"body":"busy"}'

ok "every object arrives despite the faults" ct-fetch --stall 2 --endpoint "$PROXY_URL" "$SRC" "$T/dir"
ok "every file has the bytes of its object" same_tree "$T/objs" "$T/dir"
test -f "$T/dir/.verified"; is $? 0 ".verified is written"

is "$(proxy_sum requests '00003\.dcm$') $(proxy_sum bytes '00003\.dcm$')" "3 200000" \
	"reset twice: three requests, and the bytes sent add up to the object once (resumed, nothing sent twice)"
is "$(proxy_sum requests '00005\.dcm$') $(proxy_sum bytes '00005\.dcm$')" "2 200000" "truncated: resumed, each byte sent once"
is "$(proxy_sum requests '00007\.dcm$') $(proxy_sum bytes '00007\.dcm$')" "2 200000" "stalled: given up after --stall, resumed"
is "$(proxy_sum requests '00009\.dcm$')" 3 "503 twice: retried until it came"
is "$(proxy_sum requests '00011\.dcm$')" 2 "429: retried"
is "$(proxy_sum requests '00013\.dcm$') $(proxy_sum bytes '00013\.dcm$')" "3 200004" \
	"reset, then 503 (a 4-byte error page) on the resume: the partial is kept and resumed"
is "$(proxy_sum requests '^GET /idc-open-data$')" 2 "a 500 on the listing: retried"
span9=$(proxy_span '00009\.dcm$')
span11=$(proxy_span '00011\.dcm$')
ok "Retry-After honoured: 503 twice with Retry-After 1 spans >= 2 s ($span9 ms)" test "$span9" -ge 1900
ok "Retry-After honoured: 429 with Retry-After 2 waited >= 2 s ($span11 ms)" test "$span11" -ge 1900
is "$(proxy_sum requests '0000[12468]\.dcm$|0001[02]\.dcm$')" 7 "objects without faults: one request each"
done_testing
