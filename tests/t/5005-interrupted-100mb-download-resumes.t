#!/usr/bin/env bash
# A 100 MB MSD tar, served at 50 MB/s: make downstream-msd is interrupted (SIGTERM to its process
# group; SIGINT is ignored by background jobs of scripts) part-way through the download; the re-run resumes from the partial file
# instead of starting over (bytes served stay near 100 MB), verifies and unpacks it.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/webserver.sh"

mkdir -p "$T/src/Task09_Spleen/imagesTr" "$T/src/Task09_Spleen/labelsTr" "$T/www"
head -c 100000000 /dev/urandom > "$T/src/Task09_Spleen/imagesTr/spleen_0.nii.gz"
echo label > "$T/src/Task09_Spleen/labelsTr/spleen_0.nii.gz"
echo '{"training": [{"image": "./imagesTr/spleen_0.nii.gz", "label": "./labelsTr/spleen_0.nii.gz"}], "test": []}' > "$T/src/Task09_Spleen/dataset.json"
tar -C "$T/src" -cf "$T/www/Task09_Spleen.tar" Task09_Spleen
echo "$(md5_of "$T/www/Task09_Spleen.tar")  Task09_Spleen.tar" > "$T/msd.md5"
size=$(stat -c %s "$T/www/Task09_Spleen.tar")
ok "server starts (50 MB/s)" web_start "$T/www" --rate 50000000

D=$T/data/downstream
PART=$D/.archives/msd/Task09_Spleen.tar.part
mk() { make --no-print-directory -f "$TOP/Makefile" DATA="$T/data" MSD_URL="$WEB_URL" MSD_PINS="$T/msd.md5" MSD_TASKS=Task09_Spleen "$@"; }

export T D
setsid bash -c "$(declare -f mk); mk downstream-msd" >"$T/make1.log" 2>&1 &
pid=$!
at_exit "kill -KILL -- -$pid"
partsize() { stat -c %s "$PART" 2>/dev/null || echo 0; }
part_over() { [ "$(partsize)" -gt "$1" ]; }
wait_for 30 part_over 30000000
kill -TERM -- -"$pid"
wait_for 10 eval '! kill -0 "$pid"' || kill -KILL -- -"$pid"
wait "$pid"
got=$(partsize)
ok "interrupted part-way: a partial file of 30-100 MB" test "$got" -gt 30000000 -a "$got" -lt "$size"
is "$(ls "$D/msd" 2>/dev/null)" "" "interrupted: nothing unpacked"

ok "re-run completes" mk downstream-msd
is "$(md5_of "$D/msd/Task09_Spleen/imagesTr/spleen_0.nii.gz")" "$(md5_of "$T/src/Task09_Spleen/imagesTr/spleen_0.nii.gz")" "the 100 MB image is intact"
sent=$(web_bytes /Task09_Spleen.tar)
ok "resumed, not restarted: $sent bytes served for a $size-byte file (under 1.1 times)" test "$sent" -lt $((size + size / 10))
ok "at least two requests (the second a Range)" test "$(web_requests /Task09_Spleen.tar)" -ge 2
done_testing
