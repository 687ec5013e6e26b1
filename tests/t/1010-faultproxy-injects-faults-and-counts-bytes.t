#!/usr/bin/env bash
# The fault proxy (tests/faultproxy.js) does what its rules say and counts exactly the body bytes
# a client received: in front of a plain HTTP server and in front of s3rver.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/mirror.sh"
. "$TESTS/faultproxy.sh"

mkdir "$T/www"
head -c 100000 /dev/urandom > "$T/www/blob"
port=$(free_port)
(cd "$T/www" && exec "$PYTHON" -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
WWW_PID=$!
at_exit 'kill $WWW_PID'
wait_for 20 curl -sf -o /dev/null "http://127.0.0.1:$port/blob" || { fail "plain HTTP server starts"; done_testing; exit; }
proxy_start "http://127.0.0.1:$port" || { fail "proxy starts"; done_testing; exit; }
pass "proxy starts in front of a plain HTTP server"

get() { # get NAME: body into $T/NAME, curl's exit status into $T/NAME.rc, headers into $T/NAME.h
	curl -s -D "$T/$1.h" -o "$T/$1" --max-time 10 "$PROXY_URL/blob"; echo $? > "$T/$1.rc"
}
size() { stat -c %s "$1"; }

get plain
is "$(md5_of "$T/plain")" "$(md5_of "$T/www/blob")" "without rules the body passes unchanged"

proxy_rule '{"path":"^/blob$","action":"reset","after":1000}'
get reset
is "$(size "$T/reset") $(cat "$T/reset.rc")" "1000 56" "reset: 1000 bytes, then the connection is reset"
is "$(cmp -n 1000 "$T/reset" "$T/www/blob" && echo same)" same "reset: the bytes before the reset are right"
get after-reset
is "$(size "$T/after-reset")" 100000 "times defaults to once: the next request is whole"

proxy_rule '{"action":"truncate","after":777}'
get trunc
is "$(size "$T/trunc") $(cat "$T/trunc.rc")" "777 18" "truncate: 777 bytes, then a clean close short of Content-Length"

proxy_rule '{"action":"status","status":429,"retryAfter":7,"times":2}'
get s1; get s2; get s3
is "$(head -1 "$T/s1.h" | cut -d' ' -f2) $(head -1 "$T/s2.h" | cut -d' ' -f2) $(head -1 "$T/s3.h" | cut -d' ' -f2)" \
	"429 429 200" "status with times 2: two 429 answers, then the real one"
is "$(grep -i '^retry-after:' "$T/s1.h" | tr -d '\r' | cut -d' ' -f2)" 7 "status: Retry-After as asked"

proxy_rule '{"action":"flip","at":4242}'
get flip
cmp -l "$T/flip" "$T/www/blob" > "$T/flip.diff"
is "$(wc -l < "$T/flip.diff") $(awk '{print $1}' "$T/flip.diff")" "1 4243" "flip: exactly the byte at offset 4242 differs"

proxy_rule '{"action":"stall","after":500,"seconds":1}'
get stall
is "$(size "$T/stall")" 500 "stall: 500 bytes, then nothing"

proxy_rule '{"action":"gcs"}'
get gcs
is "$(grep -ci '^x-goog-hash:' "$T/gcs.h")" 0 "gcs leaves an answer without an MD5 ETag alone (http.server sends none)"

sent=$(proxy_sum bytes '^/blob$')
got=0
for f in plain reset after-reset trunc s1 s2 s3 flip stall gcs; do got=$((got + $(size "$T/$f"))); done
is "$sent" "$got" "the proxy's byte count equals the bytes the client received ($got)"
is "$(proxy_sum requests '^GET /blob$')" 10 "the proxy counted every request"
proxy_reset
is "$(proxy_sum requests .)" 0 "reset zeroes the counts"
proxy_stop

# In front of s3rver: objects keep their ETags, and gcs makes objects and listings look like GCS.
mirror_start || { fail "mirror starts"; done_testing; exit; }
mkdir "$T/objs"
head -c 5000 /dev/urandom > "$T/objs/a.dcm"
mirror_seed idc-open-data ser/ "$T/objs"
proxy_start "$MIRROR_URL" || { fail "proxy starts in front of s3rver"; done_testing; exit; }
md5=$(md5_of "$T/objs/a.dcm")
curl -s -D "$T/o.h" -o "$T/o" "$PROXY_URL/idc-open-data/ser/a.dcm"
is "$(grep -i '^etag:' "$T/o.h" | tr -d '\r"' | cut -d' ' -f2)" "$md5" "through the proxy, s3rver's ETag is the MD5"
proxy_rule '{"action":"gcs","times":"always"}'
curl -s -D "$T/g.h" -o "$T/g" "$PROXY_URL/idc-open-data/ser/a.dcm"
b64=$(grep -i '^x-goog-hash:' "$T/g.h" | tr -d '\r' | sed 's/.*md5=//')
is "$(echo "$b64" | base64 -d | od -An -tx1 | tr -d ' \n')" "$md5" "gcs: x-goog-hash md5 is the base64 of the MD5"
isnt "$(grep -i '^etag:' "$T/g.h" | tr -d '\r"' | cut -d' ' -f2)" "$md5" "gcs: the ETag is no longer the MD5"
curl -s -o "$T/list.xml" "$PROXY_URL/idc-open-data?list-type=2&prefix=ser/"
is "$(grep -c "$md5" "$T/list.xml") $(grep -c '<Key>ser/a.dcm</Key>' "$T/list.xml")" "0 1" "gcs: the listing keeps its keys and hides the MD5 ETags"
is "$(proxy_sum bytes '^/idc-open-data/ser/a.dcm$')" 10000 "bytes are counted per object path"
done_testing
