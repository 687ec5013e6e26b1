#!/usr/bin/env bash
# ct-fetch lists a 1,100-object prefix over two pages, fetches and verifies every object, writes
# DIR/.verified in its exact format, and a re-run over the complete DIR sends no object GET and
# leaves .verified untouched; a file lost from DIR is fetched again, and nothing else.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/fetchworld.sh"

fetch_world 1100 300 || { fail "world starts"; done_testing; exit; }
head -c 70000 /dev/urandom > "$T/objs/00000.dcm"
mirror_put idc-open-data ser/00000.dcm "$T/objs/00000.dcm"

ok "1,101 objects fetched" ct-fetch --endpoint "$PROXY_URL" "$SRC" "$T/dir"
ok "every file has the bytes of its object" same_tree "$T/objs" "$T/dir"
is "$(proxy_sum requests '^GET /idc-open-data$')" 2 "the listing took two pages (1,000 + 101)"
is "$(object_gets)" 1101 "one GET per object"
is "$(ls -A "$T/dir" | grep -c '\.part$\|\.tmp\.')" 0 "no partial or temporary file is left"

"$PYTHON" - "$T/objs" "$SRC" > "$T/want.sorted" <<'PY'
import hashlib, os, sys
d, src = sys.argv[1], sys.argv[2]
print("# ct-fetch " + src)
for n in sorted(os.listdir(d), key=lambda s: s.encode()):
    b = open(os.path.join(d, n), "rb").read()
    print("%s\t%d\t%s\tetag" % (n, len(b), hashlib.md5(b).hexdigest()))
PY
is "$(md5_of "$T/dir/.verified")" "$(md5_of "$T/want.sorted")" ".verified: header, then NAME SIZE MD5 etag per object, sorted by name"

touch -d '2001-01-01' "$T/dir/.verified"
proxy_reset stats
ok "a re-run over the complete DIR succeeds" ct-fetch --endpoint "$PROXY_URL" "$SRC" "$T/dir"
is "$(object_gets)" 0 "the re-run sends no object GET"
is "$(stat -c %Y "$T/dir/.verified")" "$(date -d 2001-01-01 +%s)" "the re-run leaves .verified as it was (mtime kept)"

rm "$T/dir/00042.dcm"
sed -i '/^00077\.dcm\t/d' "$T/dir/.ct-fetch-journal"
proxy_reset stats
ok "a re-run after losing a file succeeds" ct-fetch --endpoint "$PROXY_URL" "$SRC" "$T/dir"
is "$(object_gets)" 1 "only the lost file is fetched again (a file missing from the journal is re-verified locally)"
is "$(proxy_sum requests '00042')" 1 "and it is the lost one"
ok "DIR is whole again" same_tree "$T/objs" "$T/dir"
is "$(md5_of "$T/dir/.verified")" "$(md5_of "$T/want.sorted")" ".verified is the same record"
done_testing
