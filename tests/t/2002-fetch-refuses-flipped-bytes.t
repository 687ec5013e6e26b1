#!/usr/bin/env bash
# A byte flipped once is caught by the MD5 and fetched again; a byte flipped on every try is
# refused: exit 1, the object named on stderr, no bad file under its final name, no .verified,
# and a verified file is never replaced by a wrong download of a changed object.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/fetchworld.sh"

fetch_world 6 100000 || { fail "world starts"; done_testing; exit; }
proxy_rule '{"path":"00002\\.dcm$","action":"flip","at":99999}'
proxy_rule '{"path":"00004\\.dcm$","action":"flip","at":12345,"times":"always"}'

ct-fetch --retries 2 --endpoint "$PROXY_URL" "$SRC" "$T/dir" 2>"$T/err"
is "$?" 1 "a byte flipped on every try: exit 1"
is "$(grep -c '00004\.dcm' "$T/err")" 1 "stderr names the refused object once"
ok "flipped once: fetched again and right" cmp "$T/objs/00002.dcm" "$T/dir/00002.dcm"
is "$(proxy_sum requests '00002\.dcm$')" 2 "flipped once: two GETs"
is "$(proxy_sum requests '00004\.dcm$')" 3 "flipped always: tried 1 + --retries 2 times"
test -e "$T/dir/00004.dcm"; is $? 1 "no file stands under the refused object's name"
test -e "$T/dir/.verified"; is $? 1 "no .verified for an incomplete DIR"
for i in 1 3 5 6; do cmp -s "$T/objs/0000$i.dcm" "$T/dir/0000$i.dcm" || echo "0000$i"; done > "$T/bad"
is "$(cat "$T/bad")" "" "the other objects are verified and in place"

proxy_reset
ok "once the fault is gone, a re-run completes" ct-fetch --endpoint "$PROXY_URL" "$SRC" "$T/dir"
is "$(object_gets)" 1 "the re-run fetches only the missing object"
ok "DIR is whole" same_tree "$T/objs" "$T/dir"
test -f "$T/dir/.verified"; is $? 0 ".verified is written"

# The object changes upstream; every download of its new version arrives damaged.
head -c 100000 /dev/urandom > "$T/new"
mirror_put idc-open-data ser/00003.dcm "$T/new"
proxy_rule '{"path":"00003\\.dcm$","action":"flip","at":0,"times":"always"}'
ct-fetch --retries 1 --endpoint "$PROXY_URL" "$SRC" "$T/dir" 2>"$T/err"
is "$?" 1 "a changed object that never arrives right: exit 1"
ok "the verified old file stays as it was" cmp "$T/objs/00003.dcm" "$T/dir/00003.dcm"
test -e "$T/dir/.verified"; is $? 1 ".verified is gone: DIR no longer matches its listing"
proxy_reset
ok "the new version arrives once the fault is gone" ct-fetch --endpoint "$PROXY_URL" "$SRC" "$T/dir"
ok "and replaces the old file" cmp "$T/new" "$T/dir/00003.dcm"
done_testing
