#!/usr/bin/env bash
# make downstream-rider on a RIDER Lung CT look-alike, offline: the shipped query run through
# make manifest's machinery (the BigQuery stand-in answers rows that also hold a SEG and a series
# of rider_lung_pet_ct, as a careless query would), ct-plan keeps rider_lung_ct's CT series, and
# they are fetched, sorted and converted through mk/idc.mk under DATA/downstream/rider. pairs.tsv
# orders each patient's two series by AcquisitionDate/AcquisitionTime (InstanceCreation* when
# the headers lack it), not by UID or manifest order, and says what a patient with one series
# has. With a manifest that has no Modality column (RIDER_MANIFEST=, CT-FM's form) the SEG is
# fetched, and left out at conversion, not failed; a corrupt object fails its series alone.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/mirror.sh"
. "$TESTS/faultproxy.sh"
. "$TESTS/idc.sh"
. "$TESTS/ct.sh"
. "$TESTS/bqserver.sh"

mirror_start && proxy_start "$MIRROR_URL" || { fail "local IDC world"; done_testing; exit; }
rider() { "$PYTHON" "$TESTS/fixtures/rider.py" "$@" >/dev/null; }
study_of() { printf '1.3.6.1.4.1.9328.50.2.%d' "'${1#RIDER-}"; } # RIDER-A: ...2.65
mkdir -p "$T/src"

# The look-alike: per patient two CT series whose later one has the smaller UID and comes first
# in the manifest (so neither order gives the pairing), one patient with one series, a SEG.
# name patient series-uid (its last part) how date time
SERIES="a1 RIDER-A 100 acquired 20060102 101700
a2 RIDER-A 99 acquired 20060102 100200.25
b1 RIDER-B 201 created 20060203 093000
b2 RIDER-B 200 created 20060203 094500
c1 RIDER-C 300 acquired 20060304 120000
d1 RIDER-D 401 acquired 20060405 081500
d2 RIDER-D 400 acquired 20060405 083000"
seed=30
while read -r name patient uid how date time; do
	seed=$((seed + 1))
	eval "UID_$name=1.3.6.1.4.1.9328.50.1.$uid UUID_$name=$(idc_uuid "rider/$name") PT_$name=$patient"
	rider ct "$T/src/$name" --patient "$patient" --study-uid "$(study_of "$patient")" \
		--series-uid "1.3.6.1.4.1.9328.50.1.$uid" --seed $seed --"$how" "$date" "$time" \
		--expect "$T/src/$name.npy" --rows 24 --cols 20 --slices 8
	idc_put_series idc-open-data "$(idc_uuid "rider/$name")" "$T/src/$name"
done <<< "$SERIES"
rider seg "$T/src/seg" --patient RIDER-D --study-uid "$(study_of RIDER-D)" --of-series-dir "$T/src/d1"
UUID_seg=$(idc_uuid rider/seg) UUID_pet=$(idc_uuid rider/pet)
idc_put_series idc-open-data "$UUID_seg" "$T/src/seg"
gen "$T/src/pet" --rows 16 --cols 16 --slices 4 --seed 39 --patient-id RIDER-A >/dev/null
idc_put_series idc-open-data "$UUID_pet" "$T/src/pet"

# What BigQuery answers (the stand-in runs no SQL): the CT series, later ones first, the SEG and
# another collection's series among them.
row() { printf '["%s","%s","%s","%s","%s","8","cp s3://idc-open-data/%s/%s.dcm."]' \
	"$1" "$2" "$(study_of "$2")" "$3" "$4" "$5" "$(idc_uuid "$5/x")"; }
{
	printf '{"fields":["collection_id","PatientID","StudyInstanceUID","SeriesInstanceUID","Modality","num_instances","cp_command"],"rows":['
	for n in a1 a2 b1 b2 c1; do eval 'row rider_lung_ct "$PT_'$n'" "$UID_'$n'" CT "$UUID_'$n'"'; printf ,; done
	row rider_lung_ct RIDER-D "$UID_d1.9" SEG "$UUID_seg"; printf ,
	row rider_lung_pet_ct RIDER-A 1.3.6.1.4.1.9328.50.9 CT "$UUID_pet"; printf ,
	row rider_lung_ct RIDER-D "$UID_d1" CT "$UUID_d1"; printf ,
	row rider_lung_ct RIDER-D "$UID_d2" CT "$UUID_d2"
	printf ']}\n'
} > "$T/rows.json"
ok "BigQuery stand-in starts" bq_start "$T/rows.json" --token tok
export BQ_TOKEN=tok

D=$T/data R=$T/data/downstream/rider
rmk() { make --no-print-directory -C "$TOP" downstream-rider DATA="${DATA_DIR:-$D}" BQ_URL="$BQ_URL" \
	IDC_ENDPOINT="$PROXY_URL" FETCH_FLAGS="--retries 1" "$@" >"$T/make.log" 2>&1; }
fetched() { # how many requests named one of the series (listing or object)
	local n=0 u
	for u in "$@"; do n=$((n + $(proxy_sum requests "$u"))); done
	echo $n
}

ok_fails "without BQ_PROJECT or RIDER_MANIFEST: refused" 2 rmk
is "$(bq_stat 's.calls') $(ls "$D" 2>/dev/null | wc -l)" "0 0" "nothing asked, nothing written"
ok "make downstream-rider BQ_PROJECT=proj -j2" rmk BQ_PROJECT=proj -j2
is "$(bq_stat 's.queries[0]')" "$(cat "$TOP/manifests/rider-lung-ct.sql")" "the shipped query was run"
is "$(sed -n 's/^rows\t//p' "$D/manifests/rider-lung-ct-v14.csv.info")" 9 \
   "its CSV is beside CT-FM's, under DATA/manifests, with its record"
is "$(fetched "$UUID_seg" "$UUID_pet")" 0 "neither the SEG nor rider_lung_pet_ct's series was asked for"
ok "nor is either anywhere under the set" test ! -e "$R/dicom/$UUID_seg" -a ! -e "$R/dicom/$UUID_pet"

# Each NRRD holds the HU the generator wrote, and is what ct-convert makes of the series directly.
voxels() { "$PYTHON" -c 'import sys, numpy as np, nrrd
d, h = nrrd.read(sys.argv[1]); e = np.load(sys.argv[2])
sys.exit(0 if d.shape == e.shape and np.array_equal(d, e) else 1)' "$1" "$2"; }
nrrd_of() { eval 'echo "$R/scans/rider_lung_ct/$PT_'$1'/$(study_of $PT_'$1')/$UID_'$1'/scan.nrrd"'; }
bad=""
for n in a1 a2 b1 b2 c1 d1 d2; do
	voxels "$(nrrd_of $n)" "$T/src/$n.npy" || bad="$bad $n:voxels"
	ct-convert "$T/src/$n" "$T/$n.nrrd" 2>/dev/null
	[ "$(md5_of "$(nrrd_of $n)")" = "$(md5_of "$T/$n.nrrd")" ] || bad="$bad $n:md5"
done
is "$bad" "" "seven NRRDs: the generated HU, byte for byte ct-convert's of each series"
is "$("$PYTHON" -c 'import pickle, sys; print(len(pickle.load(open(sys.argv[1], "rb"))))' "$R/scan_list.pkl")" 7 \
   "scan_list.pkl lists the seven"

# pairs.tsv, written out here from what the world holds.
rel() { local p; p=$(nrrd_of "$1"); echo "${p#$R/}"; }
pair() { # patient test retest datetime-of-test datetime-of-retest source
	printf '%s\tyes\t2\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$(eval echo \$UID_$2)" "$4" "$(rel $2)" \
		"$(eval echo \$UID_$3)" "$5" "$(rel $3)" "$6"; }
ACQ=AcquisitionDate/AcquisitionTime
want=$(printf 'PatientID\tpair\tct_series\ttest_SeriesInstanceUID\ttest_datetime\ttest_nrrd\tretest_SeriesInstanceUID\tretest_datetime\tretest_nrrd\ttime_from\n'
	pair RIDER-A a2 a1 20060102100200.25 20060102101700 $ACQ
	pair RIDER-B b1 b2 20060203093000 20060203094500 InstanceCreationDate/InstanceCreationTime
	printf 'RIDER-C\tno\t1\t%s\t20060304120000\t%s\t\t\t\t%s\n' "$UID_c1" "$(rel c1)" $ACQ
	pair RIDER-D d1 d2 20060405081500 20060405083000 $ACQ)
is "$(cut -f1-10 "$R/pairs.tsv")" "$want" "pairs.tsv: test before retest by acquisition time, the fallback named, the lone series said"
is "$(awk -F'\t' '{print $1 ": " $11}' "$R/pairs.tsv" | sed 1d)" "RIDER-A: 
RIDER-B: 
RIDER-C: one CT series: no retest
RIDER-D: " "the notes: only RIDER-C's says something"
is "$(make --no-print-directory -C "$TOP" status DATA="$D" | grep '^downstream-rider' | cut -d';' -f1)" \
   "downstream-rider 7 done, 0 failed, 0 left of 7 (rider_lung_ct-CT" "make status counts the set's scans"

find "$D" -printf '%p %T@\n' | sort > "$T/before"
proxy_reset stats
ok "make downstream-rider again" rmk BQ_PROJECT=proj -j2
find "$D" -printf '%p %T@\n' | sort > "$T/after"
is "$(proxy_sum requests . ) $(bq_stat 's.calls') $(diff "$T/before" "$T/after" >/dev/null && echo same)" "0 1 same" \
   "does nothing: no request, no second query, no file touched"

# CT-FM's manifest form (collection_id, no Modality): the SEG is fetched and left out; one object
# of RIDER-B's later series flipped in transit every time: that series fails alone.
D2=$T/data2 R2=$T/data2/downstream/rider
{
	echo "SeriesInstanceUID,collection_id,PatientID,cp_command"
	for n in a1 a2 b1 b2 c1 d1 d2; do eval 'echo "$UID_'$n',rider_lung_ct,$PT_'$n',cp s3://idc-open-data/$UUID_'$n'/x.dcm."'; done
	echo "$UID_d1.9,rider_lung_ct,RIDER-D,cp s3://idc-open-data/$UUID_seg/x.dcm."
	echo "1.3.6.1.4.1.9328.50.9,rider_lung_pet_ct,RIDER-A,cp s3://idc-open-data/$UUID_pet/x.dcm."
} > "$T/ctfm.csv"
victim=$(idc_uuid "$UUID_b2/$(ls "$T/src/b2" | sed -n 3p)")
proxy_reset stats
proxy_rule '{"path":"'"$victim"'","method":"GET","action":"flip","at":200,"times":"always"}'
DATA_DIR=$D2 ok_fails "RIDER_MANIFEST=ctfm.csv, a corrupt object: make -k fails" 2 rmk RIDER_MANIFEST="$T/ctfm.csv" -k -j2
is "$(fetched "$UUID_pet")" 0 "rider_lung_pet_ct's series is still not fetched"
is "$(tail -n +2 "$R2/failed.tsv" | cut -f1,2)" "$UUID_b2	fetch" "failed.tsv: RIDER-B's later series alone, at its fetch"
is "$(find "$R2/scans" -name scan.nrrd | wc -l) $(awk -F'\t' 'NR>1 && $2=="yes"' "$R2/pairs.tsv" | cut -f1 | tr '\n' ' ')" \
   "6 RIDER-A RIDER-D " "six NRRDs; pairs.tsv still written, with A and D paired"
is "$(awk -F'\t' '$1=="RIDER-B"{print $2, $3, $11}' "$R2/pairs.tsv")" \
   "no 1 one CT series: no retest; scan $UUID_b2 not converted (failed or not done)" "and RIDER-B's row says why it has no pair"
seg_row=$(awk -F'\t' 'NR==1{for(i=1;i<=NF;i++)c[$i]=i;next}$c["scan"]=="'"$UUID_seg"'"{print $c["Modality"] "|" $c["path"] "|" $c["left_out"]}' "$R2/index.tsv")
is "$seg_row" "SEG||not a CT image series: 1 DICOM object of Modality SEG" "the SEG was fetched, and left out: index.tsv says why, no NRRD"
ok "no NRRD for it, nor a failure" test ! -e "$R2/failed/$UUID_seg.tsv" -a -z "$(find "$R2/scans" -path "*$UID_d1.9*" -name scan.nrrd)"
is "$(awk -F'\t' '$1=="RIDER-D"{print $2, $3, $11}' "$R2/pairs.tsv")" \
   "yes 2 left out $UID_d1.9: not a CT image series: 1 DICOM object of Modality SEG" "RIDER-D is paired all the same, its note naming the SEG"

proxy_reset
DATA_DIR=$D2 ok "the transfer mended, the same command finishes" rmk RIDER_MANIFEST="$T/ctfm.csv" -k -j2
is "$(proxy_sum requests '^GET /idc-open-data/[^?]*\.dcm$') $(proxy_sum requests "$victim")" "1 1" \
   "fetching the one object that was refused, no other"
is "$(cut -f1-10 "$R2/pairs.tsv")" "$want" "pairs.tsv as in the first set"
done_testing
