#!/usr/bin/env bash
# ct-fetch killed with SIGKILL half-way: the re-run completes with identical bytes, and the proxy
# sent in the re-run exactly the bytes DIR did not hold yet (verified files are not fetched
# again, partial files resume where they stopped).
. "$(dirname "$0")/../lib.sh"
. "$TESTS/fetchworld.sh"

fetch_world 40 262144 || { fail "world starts"; done_testing; exit; }
# Objects 25..40 stall after 100,000 bytes: with 8 transfers at a time, 24 finish, 8 stall.
proxy_rule '{"path":"000(2[5-9]|3[0-9]|40)\\.dcm$","action":"stall","after":100000,"times":"always"}'
ct-fetch --jobs 8 --endpoint "$PROXY_URL" "$SRC" "$T/dir" 2>"$T/err" &
pid=$!
at_exit "kill -9 $pid"
journaled() { [ "$(wc -l < "$T/dir/.ct-fetch-journal")" -ge 24 ] && [ "$(proxy_sum bytes '000(2[5-9]|3[0-9]|40)')" -ge 800000 ]; }
ok "24 objects verified and 8 stalled half-way" wait_for 30 journaled
sleep 0.5
kill -9 $pid
wait $pid 2>/dev/null
test -e "$T/dir/.verified"; is $? 1 "killed: no .verified"
is "$(ls "$T/dir" | grep -c '\.dcm$')" 24 "killed: only verified files under final names"
is "$(ls "$T/dir" | grep -c '\.part$')" 8 "killed: 8 partial files"

held=$(cat "$T"/dir/*.dcm "$T"/dir/*.part | wc -c)
proxy_reset
ok "the re-run completes" ct-fetch --jobs 8 --endpoint "$PROXY_URL" "$SRC" "$T/dir"
ok "every file has the bytes of its object" same_tree "$T/objs" "$T/dir"
is "$(proxy_sum bytes '\.dcm$')" "$((40 * 262144 - held))" "the re-run was sent exactly the bytes DIR lacked ($((40 * 262144 - held)))"
is "$(object_gets)" 16 "the re-run sent no GET for a verified file"
test -f "$T/dir/.verified"; is $? 0 ".verified is written"
done_testing
