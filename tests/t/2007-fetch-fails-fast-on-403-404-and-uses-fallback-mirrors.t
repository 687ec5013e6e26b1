#!/usr/bin/env bash
# 403 and 404 fail at once (one request, the object named on stderr); a second --endpoint serves
# when the first is down or busy; gs:// objects verify by x-goog-hash (HOW gcs-md5) and multipart
# ETags by size (HOW size); a server that ignores Range restarts the file instead of corrupting it.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/fetchworld.sh"

fetch_world 4 50000 || { fail "world starts"; done_testing; exit; }
proxy_rule '{"path":"00002\\.dcm$","action":"status","status":404,"times":"always"}'
proxy_rule '{"path":"00003\\.dcm$","action":"status","status":403,"times":"always"}'
ct-fetch --endpoint "$PROXY_URL" "$SRC" "$T/dir" 2>"$T/err"
is "$?" 1 "404 and 403: exit 1"
is "$(proxy_sum requests '00002\.dcm$') $(proxy_sum requests '00003\.dcm$')" "1 1" "404 and 403: one request each, no retry"
is "$(grep -c '00002\.dcm.*404' "$T/err") $(grep -c '00003\.dcm.*403' "$T/err")" "1 1" "stderr names each object with its status"
test -e "$T/dir/.verified"; is $? 1 "no .verified"

dead=http://127.0.0.1:$(free_port)
proxy_reset
ok "first endpoint down: the fallback serves" ct-fetch --endpoint "$dead" --endpoint "$PROXY_URL" "$SRC" "$T/fb1"
ok "fallback: the bytes are right" same_tree "$T/objs" "$T/fb1"
ok "first endpoint 503 on everything: the fallback serves" \
	ct-fetch --endpoint "$PROXY_URL/busy" --endpoint "$MIRROR_URL" "$SRC" "$T/fb2"
ok "fallback: the bytes are right" same_tree "$T/objs" "$T/fb2"
proxy_rule '{"path":"^/busy","action":"status","status":503,"times":"always"}'
proxy_reset stats
ok "busy first endpoint, again with the rule in place" \
	ct-fetch --endpoint "$PROXY_URL/busy" --endpoint "$MIRROR_URL" "$SRC" "$T/fb3"
ok "fallback: the bytes are right" same_tree "$T/objs" "$T/fb3"
ok "the busy endpoint was asked" test "$(proxy_sum requests '^GET /busy')" -ge 1

# GCS: opaque ETags, MD5 in x-goog-hash.
proxy_reset
proxy_rule '{"action":"gcs","times":"always"}'
ok "gs:// through a GCS-looking server" ct-fetch --endpoint "$PROXY_URL" gs://idc-open-data/ser/ "$T/gcs"
ok "gs://: the bytes are right" same_tree "$T/objs" "$T/gcs"
is "$(head -1 "$T/gcs/.verified") $(cut -f4 "$T/gcs/.verified" | sort -u | tail -1)" "# ct-fetch gs://idc-open-data/ser/ gcs-md5" \
	"gs://: .verified says each object was checked by x-goog-hash"
proxy_rule '{"path":"00004\\.dcm$","action":"flip","at":7}'
rm "$T/gcs/00004.dcm"
ok "gs://: a flipped byte is caught by x-goog-hash and fetched again" ct-fetch --endpoint "$PROXY_URL" gs://idc-open-data/ser/ "$T/gcs"
is "$(proxy_sum requests '00004\.dcm$')" 3 "gs://: 1 + 2 GETs of that object in all (the flipped one, then the right one)"
ok "gs://: and the file is right" cmp "$T/objs/00004.dcm" "$T/gcs/00004.dcm"

# A multipart ETag ("<hex>-<parts>") is no MD5 of the bytes: checked by size.
proxy_reset
md5=$(md5_of "$T/objs/00001.dcm")
body="<?xml version=\\\"1.0\\\"?><ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>ser/00001.dcm</Key><Size>50000</Size><ETag>&quot;${md5:0:31}0-3&quot;</ETag></Contents></ListBucketResult>"
proxy_rule "{\"path\":\"list-type=2\",\"action\":\"respond\",\"status\":200,\"body\":\"$body\"}"
ok "a multipart ETag: accepted" ct-fetch --endpoint "$PROXY_URL" "$SRC" "$T/mp"
is "$(tail -1 "$T/mp/.verified")" "$(printf '00001.dcm\t50000\t%s\tsize' "$md5")" "a multipart ETag: recorded as checked by size, with the MD5 of the bytes"

# A server that ignores Range (Python's http.server answers 200 with the whole file).
port=$(free_port)
(cd "$T/objs" && exec "$PYTHON" -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
WWW=$!
at_exit 'kill $WWW'
wait_for 20 curl -sf -o /dev/null "http://127.0.0.1:$port/00001.dcm"
head -c 20000 "$T/objs/00001.dcm" > "$T/norange.part"
ok "a server that ignores Range: the partial is restarted" \
	ct-fetch --url "http://127.0.0.1:$port/00001.dcm" --md5 "$md5" "$T/norange"
ok "and the file is right" cmp "$T/objs/00001.dcm" "$T/norange"
done_testing
