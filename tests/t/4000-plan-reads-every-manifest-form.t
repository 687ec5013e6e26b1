#!/usr/bin/env bash
# ct-plan reads every manifest form seen in the wild, names each series once in manifest order,
# stops on a bad line naming it, and its shards are disjoint and cover the manifest exactly.
. "$(dirname "$0")/../lib.sh"

u() { printf '%08x-0000-4000-8000-%012x' "$1" "$1"; }   # a series UUID from a number

{
	echo "# CT-FM style manifest, every form"
	echo "cp s3://idc-open-data/$(u 1)/* ."
	echo "cp s3://idc-open-data-cr/$(u 2)/*."
	echo "cp s3://idc-open-data/$(u 3)/$(u 99).dcm."
	echo ""
	echo "s3://idc-open-data-two/$(u 4)/*"
	echo "gs://idc-open-data/$(u 5)/"
	echo "   cp s3://idc-open-data/$(u 1)/* ."
	printf '%s' "s3://idc-open-data/$(u 6)"     # no trailing newline, as CT-FM's file
} > "$T/forms.txt"
ok "ct-plan reads the s5cmd, bare and gs:// forms" ct-plan --tsv "$T/forms.tsv" -o "$T/forms.mk" "$T/forms.txt"
is "$(cut -f1,2 "$T/forms.tsv" | tail -n +2 | tr '\t\n' '  ')" \
   "$(u 1) s3://idc-open-data/$(u 1)/ $(u 2) s3://idc-open-data-cr/$(u 2)/ $(u 3) s3://idc-open-data/$(u 3)/ $(u 4) s3://idc-open-data-two/$(u 4)/ $(u 5) gs://idc-open-data/$(u 5)/ $(u 6) s3://idc-open-data/$(u 6)/ " \
   "each series once, in manifest order, with its bucket (the repeat of line 2 dropped)"
printf 'include %s\nprint: ; @echo $(words $(CT_SCANS)) $(CT_URL.%s) $(CT_COLL.%s)\n' \
	"$T/forms.mk" "$(u 4)" "$(u 4)" > "$T/print.mk"
is "$(make -s -f "$T/print.mk" print)" "6 s3://idc-open-data-two/$(u 4)/ unknown-collection" \
   "the fragment is a makefile naming the scans, their URLs and (unknown) collections"

{ printf '\xef\xbb\xbf'; sed 's/$/\r/' "$T/forms.txt"; } > "$T/forms-crlf.txt"
ct-plan --tsv "$T/crlf.tsv" -o /dev/null "$T/forms-crlf.txt" 2>/dev/null
is "$(cut -f1,2 "$T/crlf.tsv")" "$(cut -f1,2 "$T/forms.tsv")" "CRLF line ends and a BOM give the same plan"

{
	echo "SeriesInstanceUID,collection_id,PatientID,cp_command"
	echo "1.2.3.4,nlst,100002,cp s3://idc-open-data/$(u 7)/*."
	echo "\"1.2.3.5\",tcga_luad,\"TCGA,quoted\",cp s3://idc-open-data/$(u 8)/*."
	echo "1.2.3.6,rider_lung_ct,P3,cp s3://idc-open-data/$(u 9)/*."
} > "$T/query.csv"
ok "ct-plan reads a CSV export (cp_command column, quoted cells)" ct-plan --tsv "$T/csv.tsv" -o /dev/null "$T/query.csv"
is "$(tail -n +2 "$T/csv.tsv" | cut -f1,3,4,5 | tr '\t\n' '| ')" \
   "$(u 7)|nlst|100002|1.2.3.4 $(u 8)|tcga_luad|TCGA,quoted|1.2.3.5 $(u 9)|rider_lung_ct|P3|1.2.3.6 " \
   "collection, PatientID and SeriesInstanceUID come from the CSV (hostile ones: test 4001)"
printf 'series_aws_url,collection_id\ns3://idc-open-data/%s/*,lidc_idri\n' "$(u 10)" > "$T/aws.csv"
ct-plan --tsv "$T/aws.tsv" -o /dev/null "$T/aws.csv" 2>/dev/null
is "$(tail -n +2 "$T/aws.tsv" | cut -f1,3)" "$(u 10)	lidc_idri" "a CSV with series_aws_url works too"

printf 'cp s3://idc-open-data/%s/* .\n# fine\ncp s3://idc-open-data/not-a-uuid/* .\n' "$(u 1)" > "$T/bad.txt"
ok_fails "a bad line stops the plan (exit 1)" 1 ct-plan -o "$T/bad.mk" "$T/bad.txt"
cp "$T/.ok.out" "$T/bad.err"
ok "the error names the file and line 3" grep -q "bad.txt:3:" "$T/bad.err"
ok "and no plan is left behind" test ! -e "$T/bad.mk"
printf 'cp s3://idc-open-data/%s/* .\ncp s3://idc-open-data-two/%s/* .\n' "$(u 1)" "$(u 1)" > "$T/conflict.txt"
ok_fails "one series named with two buckets is an error" 1 ct-plan -o /dev/null "$T/conflict.txt"
ok_fails "a usage mistake exits 2" 2 ct-plan --shard 4/3 "$T/forms.txt"

for i in $(seq 1 3000); do echo "cp s3://idc-open-data/$(u "$i")/* ."; done > "$T/big.txt"
for s in 1 2 3; do ct-plan --shard $s/3 --tsv "$T/s$s.tsv" -o /dev/null "$T/big.txt" 2>/dev/null; done
cat "$T"/s[123].tsv | grep -v '^scan' | cut -f1 | sort > "$T/union"
is "$(wc -l < "$T/union") $(sort -u "$T/union" | wc -l)" "3000 3000" \
   "shards 1/3, 2/3, 3/3 are disjoint and cover all 3,000 series"
n1=$(($(wc -l < "$T/s1.tsv") - 1))
ok "each shard holds about a third ($n1)" test "$n1" -gt 900 -a "$n1" -lt 1100
ct-plan --limit 5 --tsv "$T/l5.tsv" -o /dev/null "$T/big.txt" 2>/dev/null
is "$(tail -n +2 "$T/l5.tsv" | cut -f1 | tr '\n' ' ')" "$(for i in 1 2 3 4 5; do printf '%s ' "$(u $i)"; done)" \
   "--limit 5 keeps the first five"
ct-plan --shard 2/3 --tsv "$T/again.tsv" -o /dev/null "$T/big.txt" 2>/dev/null
is "$(md5_of "$T/again.tsv")" "$(md5_of "$T/s2.tsv")" "a shard is the same on every run"
# --collection and --modality select before --limit; a manifest that cannot say is refused or
# (Modality, which CT-FM's query does not emit) taken whole.
{
	echo "collection_id,Modality,cp_command"
	echo "rider_lung_ct,SEG,cp s3://idc-open-data/$(u 21)/*."
	echo "rider_lung_pet_ct,CT,cp s3://idc-open-data/$(u 22)/*."
	echo "rider_lung_ct,CT,cp s3://idc-open-data/$(u 23)/*."
	echo "rider_lung_ct,CT,cp s3://idc-open-data/$(u 24)/*."
} > "$T/mixed.csv"
ct-plan --collection rider_lung_ct --modality CT --limit 1 --tsv "$T/sel.tsv" -o "$T/sel.mk" "$T/mixed.csv" 2>/dev/null
is "$(tail -n +2 "$T/sel.tsv" | cut -f1) $(grep -c '^CT_URL' "$T/sel.mk")" "$(u 23) 1" \
   "--collection rider_lung_ct --modality CT --limit 1: the first CT series of that collection alone"
ok_fails "--collection on a manifest without collection_id: refused" 1 ct-plan --collection x -o /dev/null "$T/forms.txt"
ct-plan --collection lidc_idri --modality CT --tsv "$T/nomod.tsv" -o /dev/null "$T/aws.csv" 2>/dev/null
is "$(tail -n +2 "$T/nomod.tsv" | cut -f1)" "$(u 10)" "--modality on a CSV without a Modality column keeps its series"
done_testing
