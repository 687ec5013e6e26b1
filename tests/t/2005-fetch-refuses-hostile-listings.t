#!/usr/bin/env bash
# A hostile listing (keys with '..', absolute keys, keys outside the prefix, keys with '/' after
# the prefix, names ct-fetch keeps for itself) writes nothing outside DIR and nothing under those
# names; the plain keys beside them are fetched (ETags XML-escaped, a key with '&' URL-escaped),
# each refused key is named on stderr, and DIR gets no .verified. An empty listing is an error.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/fetchworld.sh"

fetch_world 1 3000 || { fail "world starts"; done_testing; exit; }
head -c 4000 /dev/urandom > "$T/amp.dcm"
curl -sf -o /dev/null -T "$T/amp.dcm" "$MIRROR_URL/idc-open-data/ser/a%26b.dcm"
md5=$(md5_of "$T/objs/00001.dcm")
amp=$(md5_of "$T/amp.dcm")
hostile="ser/../x.dcm /abs.dcm ser//abs.dcm ser/sub/y.dcm ser/.verified ser/.. other/z.dcm ser/evil.dcm.part"
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n'
	printf '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>idc-open-data</Name>'
	printf '<Prefix>ser/</Prefix><KeyCount>10</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>'
	printf '<Contents><Key>ser/00001.dcm</Key><Size>3000</Size><ETag>&quot;%s&quot;</ETag></Contents>' "$md5"
	printf '<Contents><Key>ser/a&amp;b.dcm</Key><Size>4000</Size><ETag>&quot;%s&quot;</ETag></Contents>' "$amp"
	for k in $hostile; do
		printf '<Contents><Key>%s</Key><Size>3000</Size><ETag>&quot;%s&quot;</ETag></Contents>' "$k" "$md5"
	done
	printf '</ListBucketResult>\n'
} > "$T/listing.xml"
body=$(node -e 'console.log(JSON.stringify(require("fs").readFileSync(process.argv[1], "utf8")))' "$T/listing.xml")
proxy_rule "{\"path\":\"list-type=2\",\"action\":\"respond\",\"status\":200,\"times\":\"always\",\"body\":$body}"

mkdir -p "$T/a"
ct-fetch --endpoint "$PROXY_URL" "$SRC" "$T/a/dir" 2>"$T/err"
is "$?" 1 "a listing with hostile keys: exit 1"
is "$(ls -A "$T/a")" "dir" "nothing is written beside DIR"
is "$(LC_ALL=C ls -A "$T/a/dir" | tr '\n' ' ')" ".ct-fetch-journal 00001.dcm a&b.dcm " "DIR holds the plain objects and the journal only"
is "$(cat "$T/a/dir/00001.dcm" "$T/a/dir/a&b.dcm" | md5sum)" "$(cat "$T/objs/00001.dcm" "$T/amp.dcm" | md5sum)" "the plain objects are right"
is "$(find "$T" -name 'x.dcm' -o -name 'abs.dcm' -o -name 'y.dcm' -o -name 'z.dcm' -o -name evil.dcm.part | grep -v /s3rver/ | wc -l)" 0 "no hostile name exists anywhere"
missing=""
for k in $hostile; do grep -qF -- "$k" "$T/err" || missing="$missing $k"; done
is "$missing" "" "stderr names every refused key"
is "$(object_gets)" 2 "no GET for any refused key"

proxy_reset
ct-fetch --endpoint "$PROXY_URL" s3://idc-open-data/nothing-here/ "$T/empty" 2>/dev/null
is "$?" 1 "an empty listing is an error"
test -e "$T/empty"; is $? 1 "and writes nothing"
done_testing
