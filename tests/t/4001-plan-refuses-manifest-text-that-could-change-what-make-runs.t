#!/usr/bin/env bash
# What a manifest names is written into a makefile and its recipes, so ct-plan accepts only the
# S3/GCS grammar and IDC's buckets: a line with '$', '(', '#', ';', a backslash, a blank inside
# the URL, text around it, a bucket that breaks the naming rules or is not IDC's (unless named
# with --bucket), and CSV cells (collection_id, PatientID, SeriesInstanceUID) that are not what
# they claim, are each refused naming the manifest and line, with no plan written and nothing
# run. A manifest path with a newline and $(shell ...) in it changes nothing either.
. "$(dirname "$0")/../lib.sh"

u() { printf '%08x-0000-4000-8000-%012x' "$1" "$1"; }
U=$(u 1)
GOOD="cp s3://idc-open-data/$(u 2)/* ."
PWN="$T/pwned"

# Each hostile line comes second, after a good one: the error must name line 2.
while IFS= read -r line; do
	printf '%s\n%s\n' "$GOOD" "$line" > "$T/m.txt"
	(cd "$T" && ct-plan --tsv "$T/m.tsv" -o "$T/m.mk" "$T/m.txt") 2>"$T/err"
	rc=$?
	is "$rc|$(grep -c "m.txt:2: " "$T/err")|$(ls "$T"/m.mk "$T"/m.tsv "$PWN" 2>/dev/null | wc -l)" "1|1|0" \
	   "refused, naming line 2, no plan, nothing run: $line"
done <<EOF
cp s3://idc-open-data/$U/* .\$(shell touch $PWN)
cp s3://idc-open-data/$U/\$(shell touch $PWN)/* .
s3://idc-open-data/$U/*;touch $PWN
s3://idc-open-data/$U/x#y
s3://idc-open-data/$U/x\\
s3://idc-open-data/$U/x(1)
s3://idc-open-data/$U/x'y
s3://idc-open-data/$U/a b
s3://idc-open-data\$(x)/$U/
s3://idc-open-data/$U\$(x)
rm -rf $T ; cp s3://idc-open-data/$U/* .
cp s3://idc-open-data/$U/* . extra
cp s3://idc-open-data/$U/*
cp  s3://idc-open-data/$U/*	.	x
s3://evil-bucket/$U/
s3://IDC-open-data/$U/
s3://idc-open-data-/$U/
gs://idc-open-data-two/$U/
s3://idc..open/$U/
s3:/idc-open-data/$U/
EOF

# Bucket rules hold with --any-bucket too; --bucket adds one name, not a pattern.
for b in s3://192.168.1.10 gs://goog-data gs://my-google-data s3://under_score s3://-lead s3://ab; do
	printf '%s/%s/\n' "$b" "$U" > "$T/b.txt"
	ct-plan --any-bucket -o "$T/b.mk" "$T/b.txt" 2>"$T/err"
	is "$? $(grep -c 'b.txt:1: .*bucket name' "$T/err")" "1 1" "--any-bucket still refuses $b (naming rules)"
done
printf 's3://my-mirror/%s/\ngs://my_gcs.bucket/%s/\n' "$U" "$(u 3)" > "$T/other.txt"
ct-plan -o /dev/null "$T/other.txt" 2>"$T/err"
is "$? $(grep -c "other.txt:1: bucket 's3://my-mirror' is not one of IDC's" "$T/err")" "1 1" "another bucket: refused by default"
ct-plan --bucket my-mirror --bucket my_gcs.bucket --tsv "$T/other.tsv" -o /dev/null "$T/other.txt" 2>/dev/null
is "$? $(tail -n +2 "$T/other.tsv" | cut -f2 | tr '\n' ' ')" "0 s3://my-mirror/$U/ gs://my_gcs.bucket/$(u 3)/ " \
   "--bucket NAME accepts it"
ct-plan --any-bucket -o /dev/null "$T/other.txt" 2>/dev/null
is "$?" 0 "--any-bucket accepts any well-formed name"

# CSV exports: the URL cell follows the same grammar, and the other cells are checked.
hdr="SeriesInstanceUID,collection_id,PatientID,cp_command"
while IFS= read -r row; do
	printf '%s\n1.2.3,nlst,P1,%s\n%b\n' "$hdr" "$GOOD" "$row" > "$T/q.csv"
	(cd "$T" && ct-plan --tsv "$T/q.tsv" -o "$T/q.mk" "$T/q.csv") 2>"$T/err"
	is "$?|$(grep -c "q.csv:3: " "$T/err")|$(ls "$T"/q.mk "$T"/q.tsv "$PWN" 2>/dev/null | wc -l)" "1|1|0" \
	   "CSV row refused, naming line 3, no plan, nothing run: $row"
done <<EOF
1.2.4,\$(shell touch $PWN),P2,cp s3://idc-open-data/$U/*.
1.2.4,../../etc,P2,cp s3://idc-open-data/$U/*.
1.2.4,.hidden,P2,cp s3://idc-open-data/$U/*.
1.2.4,"a'b",P2,cp s3://idc-open-data/$U/*.
1.2.4,nlst,"P2\\\\x",cp s3://idc-open-data/$U/*.
1.2.4,nlst,P2,"cp s3://idc-open-data/$U/*.\\\\nCT_URL.x := \$(shell touch $PWN)"
1.2.4;rm,nlst,P2,cp s3://idc-open-data/$U/*.
1.2.4,nlst,P2,echo s3://idc-open-data/$U/*.
EOF
# A newline inside a quoted collection or PatientID cell (the CSV reader keeps it).
printf '%s\n1.2.4,"nl\nst",P2,cp s3://idc-open-data/%s/*.\n' "$hdr" "$U" > "$T/nl.csv"
ct-plan -o "$T/nl.mk" "$T/nl.csv" 2>"$T/err"
is "$? $(grep -c 'nl.csv:2: collection_id' "$T/err")" "1 1" "a newline in collection_id: refused"
printf '%s\n1.2.4,nlst,"P\n2",cp s3://idc-open-data/%s/*.\n' "$hdr" "$U" > "$T/nl.csv"
ct-plan -o "$T/nl.mk" "$T/nl.csv" 2>"$T/err"
is "$? $(grep -c 'nl.csv:2: PatientID: a control character' "$T/err")" "1 1" "a newline in PatientID: refused"

# A manifest whose path holds a newline and $(shell ...): the plan is still a plain makefile.
evil="$T/dir
\$(shell touch $PWN)"
mkdir -p "$evil"
printf '%s\n' "$GOOD" > "$evil/m.txt"
ok "a manifest at a hostile path plans" ct-plan -o "$T/e.mk" "$evil/m.txt"
printf 'include %s\nprint: ; @echo $(words $(CT_SCANS)) $(CT_URL.%s)\n' "$T/e.mk" "$(u 2)" > "$T/print.mk"
is "$(make -s -f "$T/print.mk" print) $(ls "$PWN" 2>/dev/null | wc -l)" "1 s3://idc-open-data/$(u 2)/ 0" \
   "make reads the plan: one scan, its URL, nothing run"
done_testing
