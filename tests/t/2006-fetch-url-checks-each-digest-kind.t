#!/usr/bin/env bash
# ct-fetch --url fetches one file and accepts it only with the given digest: md5, sha1, sha256
# and git's blob id, each right (file in place) and wrong (exit 1, no file). A partial file
# resumes (the server sends only the missing bytes), 429 with Retry-After is waited out, a file
# already right is kept without a request, and malformed digests are usage errors.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/fetchworld.sh"

fetch_world 1 300000 || { fail "world starts"; done_testing; exit; }
src=$T/objs/00001.dcm
URL=$PROXY_URL/idc-open-data/ser/00001.dcm
declare -A right=(
	[md5]=$(md5sum "$src" | cut -c1-32)
	[sha1]=$(sha1sum "$src" | cut -c1-40)
	[sha256]=$(sha256sum "$src" | cut -c1-64)
	[sha1-gitblob]=$(git hash-object "$src")
)
for k in md5 sha1 sha256 sha1-gitblob; do
	ok "--$k right: accepted" ct-fetch --url "$URL" "--$k" "${right[$k]}" "$T/out/$k.bin"
	ok "--$k right: the file is the object" cmp "$src" "$T/out/$k.bin"
	wrong=$(echo "${right[$k]}" | tr '0-9a-f' '1-9a-f0')
	ct-fetch --retries 1 --url "$URL" "--$k" "$wrong" "$T/out/$k.bad" 2>/dev/null
	is "$?" 1 "--$k wrong: exit 1"
	test -e "$T/out/$k.bad"; is $? 1 "--$k wrong: no file under the final name"
done

proxy_reset
head -c 123456 "$src" > "$T/out/resumed.part"
ok "a partial file resumes" ct-fetch --url "$URL" --md5 "${right[md5]}" "$T/out/resumed"
ok "the resumed file is right" cmp "$src" "$T/out/resumed"
is "$(proxy_sum bytes .)" $((300000 - 123456)) "only the missing bytes were sent"

proxy_reset
cp "$src" "$T/out/whole.part"
ok "a whole partial (killed before its rename) is checked and kept" ct-fetch --url "$URL" --sha1 "${right[sha1]}" "$T/out/whole"
ok "and the result is right" cmp "$src" "$T/out/whole"
is "$(proxy_sum requests .)" 1 "one request (answered 416)"
ok "and no object bytes, only a short error page ($(proxy_sum bytes .) bytes)" test "$(proxy_sum bytes .)" -lt 1000

proxy_reset
head -c 1000 /dev/urandom > "$T/out/junk.part"
ok "a partial file of other bytes is detected and fetched again" ct-fetch --url "$URL" --md5 "${right[md5]}" "$T/out/junk"
ok "and the result is right" cmp "$src" "$T/out/junk"

proxy_reset
proxy_rule '{"action":"status","status":429,"retryAfter":1}'
ok "429 with Retry-After (Zenodo's rate limit): waited out" ct-fetch --url "$URL" --sha256 "${right[sha256]}" "$T/out/zenodo"
is "$(proxy_sum requests .)" 2 "one 429, then the file"

proxy_reset
ok "a file already right: kept" ct-fetch --url "$URL" --md5 "${right[md5]}" "$T/out/md5.bin"
is "$(proxy_sum requests .)" 0 "a file already right: no request"

ok_fails "a digest of the wrong length: usage error" 2 ct-fetch --url "$URL" --md5 abc "$T/out/x"
ok_fails "no digest: usage error" 2 ct-fetch --url "$URL" "$T/out/x"
ok_fails "two digests: usage error" 2 ct-fetch --url "$URL" --md5 "${right[md5]}" --sha1 "${right[sha1]}" "$T/out/x"
done_testing
