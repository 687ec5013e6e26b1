#!/usr/bin/env bash
# Renames happen on ct-fetch's committer thread, after one syncfs per batch. A verified object
# that cannot take its final name (a directory stands there) fails alone: exit 1, stderr names
# it and why, every other object is renamed and recorded, no .verified. Once the obstacle is
# gone a re-run finishes without a single object GET: the verified partial was kept.
# Objects of 200 KiB also take the early-writeback path (files of 128 KiB and more).
. "$(dirname "$0")/../lib.sh"
. "$TESTS/fetchworld.sh"

fetch_world 8 204800 || { fail "world starts"; done_testing; exit; }
mkdir -p "$T/dir/00005.dcm"
ct-fetch --endpoint "$PROXY_URL" "$SRC" "$T/dir" 2>"$T/err"
is "$?" 1 "a file that cannot take its name: exit 1"
is "$(grep -c '00005\.dcm.*cannot rename' "$T/err")" 1 "stderr names it, and why"
for i in 1 2 3 4 6 7 8; do cmp -s "$T/objs/0000$i.dcm" "$T/dir/0000$i.dcm" || echo "0000$i"; done > "$T/bad"
is "$(cat "$T/bad")" "" "the seven others are verified and under their names"
test -e "$T/dir/.verified"; is $? 1 "no .verified"
ok "the verified partial is kept" cmp "$T/objs/00005.dcm" "$T/dir/00005.dcm.part"

rmdir "$T/dir/00005.dcm"
proxy_reset
ok "with the directory gone, a re-run completes" ct-fetch --endpoint "$PROXY_URL" "$SRC" "$T/dir"
is "$(object_gets)" 0 "...without fetching anything again"
ok "DIR is whole" same_tree "$T/objs" "$T/dir"
test -f "$T/dir/.verified"; is $? 0 ".verified is written"
done_testing
