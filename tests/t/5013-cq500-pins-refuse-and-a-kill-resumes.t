#!/usr/bin/env bash
# make downstream-cq500's pins: a malformed pin stops it before any request; a wrong pin fails
# that patient alone (the others done, nothing of the refused zip kept); a file pinned on its
# first fetch that later changes on the server is refused. And a kill -9 of the whole make in the
# middle of a download: the re-run resumes the partial zip (only the missing bytes are sent) and
# gives the same scans as an uninterrupted run; then a re-run does nothing at all.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/webserver.sh"

W=$T/www
"$PYTHON" "$TESTS/fixtures/cq500.py" "$W" 0 1 2
ok "server starts" web_start "$W"
mk() { local data=$1; shift; make --no-print-directory -f "$TOP/Makefile" DATA="$data" CQ500_URL="$WEB_URL" CQ500_IDS="0 1 2" "$@"; }
reqs() { curl -sf "$WEB_URL/_stats" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let n=0;for(const v of Object.values(JSON.parse(s)))n+=v.requests;console.log(n)})'; }

(cd "$W" && for f in reads.csv CQ500-CT-*.zip; do sha256sum "$f"; done) > "$T/pins"
# A malformed pin: nothing at all is requested, the message names the line and file.
sed 's/^[0-9a-f]\{8\}\([0-9a-f]*  CQ500-CT-2.zip\)/xyz\1/' "$T/pins" > "$T/pins.bad"
mk "$T/a" -j4 downstream-cq500 CQ500_PINS="$T/pins.bad" > "$T/out.a" 2>&1
is "$?:$(reqs)" "2:0" "a malformed pin: make fails before any request"
is "$(grep -c "pins.bad: 1 pin missing or malformed: line 4: CQ500-CT-2.zip: 'xyz[0-9a-f]*' is not a valid sha256 digest" "$T/out.a")" 1 "the message names the file and the line"
is "$(find "$T/a" -name '*.zip*' -o -name 'reads.csv*' | wc -l)" 0 "nothing fetched"

# A wrong pin for one zip: that patient fails, nothing of its zip is kept, the others are done.
sed 's/^[0-9a-f]\{4\}\([0-9a-f]*  CQ500-CT-1.zip\)/0000\1/' "$T/pins" > "$T/pins.wrong"
mk "$T/b" -k -j4 downstream-cq500 CQ500_PINS="$T/pins.wrong" DOWNSTREAM_FETCH_FLAGS="--retries 0" > "$T/out.b" 2>&1
is "$?" 2 "a wrong pin: make -k fails"
is "$(cut -f2 "$T/b/downstream/.cq500/failed/CQ500-CT-1.tsv"; grep -c 'CQ500-CT-1.zip: sha256 [0-9a-f]*, expected 0000' "$T/b/downstream/.cq500/failed/CQ500-CT-1.tsv")" "fetch
1" "CQ500-CT-1 failed at fetch: the digest it got and the one pinned"
is "$(find "$T/b" -name 'CQ500-CT-1.zip*' -size +0 | wc -l)" 0 "no byte of the refused zip kept"
is "$(ls "$T/b/downstream/cq500" | grep CQ500CT | tr '\n' '|')" "CQ500CT0 CQ500CT0|CQ500CT2 CQ500CT2|" "the other patients are done"
is "$(ls "$T/b/downstream/.cq500/pins" 2>/dev/null | wc -l)" 0 "every file had a pin: none recorded"

# Pinned on first use, then changed on the server: refused, the labels kept as they were.
mk "$T/c" -j4 downstream-cq500 CQ500_IDS=2 > "$T/out.c" 2>&1
is "$?:$(cat "$T/c/downstream/.cq500/pins/reads.csv.sha256")" "0:$(grep reads.csv "$T/pins")" "first fetch without a shipped pin: reads.csv pinned as it arrived"
cp "$T/c/downstream/cq500/labels.tsv" "$T/labels.before"
printf 'CQ500-CT-9,B1%s\r\n' "$(printf ',0%.0s' $(seq 42))" >> "$W/reads.csv"
rm "$T/c/downstream/.archives/cq500/reads.csv" "$T/c/downstream/cq500/reads.csv"
mk "$T/c" -j4 downstream-cq500 CQ500_IDS=2 DOWNSTREAM_FETCH_FLAGS="--retries 0" > "$T/out.c2" 2>&1
is "$?:$(grep -c 'reads.csv: sha256 [0-9a-f]*, expected '"$(grep reads.csv "$T/pins" | cut -c1-64)" "$T/out.c2")" "2:1" \
   "reads.csv changed on the server: refused against the pin recorded on its first fetch"
is "$(cmp "$T/labels.before" "$T/c/downstream/cq500/labels.tsv" && echo kept)" kept "labels.tsv kept as it was"
head -n -1 "$W/reads.csv" > "$W/reads.csv.tmp" && mv "$W/reads.csv.tmp" "$W/reads.csv"

# kill -9 of the whole run while CQ500-CT-0.zip is half fetched (the server slowed to 40 kB/s).
web_stop
ok "slow server starts" web_start "$W" --rate 40000
PART=$T/d/downstream/.archives/cq500/CQ500-CT-0.zip.part
size=$(stat -c %s "$W/CQ500-CT-0.zip")
export -f mk; export T WEB_URL
setsid bash -c 'mk "$T/d" -j4 downstream-cq500 CQ500_PINS="$T/pins.wrong"' > "$T/out.d" 2>&1 &
pid=$!
at_exit "kill -KILL -- -$pid"
part_over() { [ "$(stat -c %s "$PART" 2>/dev/null || echo 0)" -gt "$1" ]; }
wait_for 30 part_over $((size / 3))
kill -KILL -- -"$pid"
wait "$pid" 2>/dev/null
have=$(stat -c %s "$PART")
ok "killed with a partial zip ($have of $size bytes)" test "$have" -lt "$size"
web_stop
ok "server starts again" web_start "$W"
mk "$T/d" -k -j4 downstream-cq500 CQ500_PINS="$T/pins.wrong" DOWNSTREAM_FETCH_FLAGS="--retries 0" > "$T/out.d2" 2>&1
is "$?" 2 "re-run after kill -9 completes (all but the wrongly pinned patient)"
is "$(web_bytes /CQ500-CT-0.zip)" "$((size - have))" "resumed: only the missing bytes of the partial zip were sent"
for n in 0 2; do
	is "$(md5_of "$T/d/downstream/cq500/CQ500CT$n CQ500CT$n/scan.nrrd")" "$(md5_of "$T/b/downstream/cq500/CQ500CT$n CQ500CT$n/scan.nrrd")" \
	   "CQ500-CT-$n: the same bytes as the uninterrupted run"
done

# Everything pinned and done: a re-run runs no recipe and sends nothing.
mk "$T/d" -k -j4 downstream-cq500 CQ500_PINS="$T/pins" > /dev/null 2>&1
is "$?" 0 "with the right pin, CQ500-CT-1 is fetched and the set completes"
before=$(reqs)
find "$T/d" -type f -printf '%p %T@\n' | sort > "$T/before"
ok "re-run" mk "$T/d" -j4 downstream-cq500 CQ500_PINS="$T/pins"
ok "re-run: make -q says up to date" mk "$T/d" -q "$T/d/downstream/cq500/datalist.json" CQ500_PINS="$T/pins"
find "$T/d" -type f -printf '%p %T@\n' | sort > "$T/after"
is "$(reqs):$(diff "$T/before" "$T/after" && echo same)" "$before:same" "re-run: no request, no file written"
done_testing
