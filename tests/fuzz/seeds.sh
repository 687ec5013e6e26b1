#!/usr/bin/env bash
# tests/fuzz/seeds.sh OUT: the seed corpus of every harness, OUT/<harness>/, made the way the
# tests make their inputs: CT series from tests/fixtures/gen-ct.py (every transfer syntax),
# pydicom's real files, manifests in every form test 4000 reads, a real s3rver listing, the
# Zenodo-like server's record JSON, TotalSegmentator's meta.csv and NIfTI files
# (tests/fixtures/totalseg.py), npy/npz from numpy, zips and tars from Python.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"
. "$TESTS/mirror.sh"
. "$TESTS/bqserver.sh"
set -e
OUT=$1
mkdir -p "$OUT"
for h in manifest s3list zenodo tables npy archive dicom volume journal pattern nifti msd bq bqsql cq500 sinoct pin series; do mkdir -p "$OUT/$h"; done

# DICOM: small series in each transfer syntax, variants, and pydicom's files.
for c in none rle jpeg jpegls j2k deflated implicit bigendian; do
	args=(--rows 16 --cols 16 --slices 3 --seed 7)
	[ "$c" = none ] || args+=(--compress "$c")
	gen "$T/ct-$c" "${args[@]}"
	cp "$T/ct-$c/IM00001.dcm" "$OUT/dicom/ct-$c.dcm"
	cat "$T/ct-$c/IM00001.dcm" <(printf '\0CTFILE\0') "$T/ct-$c/IM00002.dcm" <(printf '\0CTFILE\0') \
		"$T/ct-$c/IM00003.dcm" > "$OUT/volume/ct-$c"
done
for v in gap duplicate tilt localizer two-series slope intercept highbits signed12 no-ipp; do
	gen "$T/v-$v" --rows 8 --cols 8 --slices 4 --seed 8 --variant "$v"
	set -- "$T/v-$v"/*.dcm
	cp "$1" "$OUT/dicom/variant-$v.dcm"
	{ cat "$1"; shift; for f in "$@"; do printf '\0CTFILE\0'; cat "$f"; done; } | head -c 200000 > "$OUT/volume/variant-$v"
done
PD=/usr/lib/python3/dist-packages/pydicom/data/test_files
for f in CT_small.dcm MR_small_RLE.dcm MR_small_jp2klossless.dcm MR_small_jpeg_ls_lossless.dcm JPEG2000.dcm \
         image_dfl.dcm ExplVR_BigEnd.dcm no_meta.dcm UN_sequence.dcm nested_priv_SQ.dcm MR_truncated.dcm \
         JPGExtended.dcm rtplan.dcm; do
	[ -f "$PD/$f" ] && cp "$PD/$f" "$OUT/dicom/pydicom-$f"
done
# Real-world character sets (pydicom's charset files).
for f in "$PD"/../charset_files/chrH31.dcm "$PD"/../charset_files/chrFren.dcm "$PD"/../charset_files/chrX1.dcm; do
	[ -f "$f" ] && cp "$f" "$OUT/dicom/charset-$(basename "$f")"
done
cp "$T/ct-none/IM00001.dcm" "$OUT/pattern.dcm" # what the pattern harness expands against
cp "$OUT/volume/"* "$OUT/series/" # a study's files, as ct-series reads them

# The downstream sets' tables as their look-alikes write them (CQ500's reads.csv, SinoCT's
# labels), and the pins shipped under checksums/.
"$PYTHON" -c 'import sys; sys.path.insert(0, sys.argv[1]); import cq500; cq500.reads(sys.argv[2], [0, 1, 2, 3, 8])' \
	"$TESTS/fixtures" "$OUT/cq500"
"$PYTHON" "$TESTS/fixtures/sinoct.py" "$T/sinoct" 4
cp "$T/sinoct/labels.csv" "$OUT/sinoct/four"
printf 'patient_id;label\r\nST0000;1,0\r\nST0003;"0,1"\r\n' > "$OUT/sinoct/both-found"
cp "$TOP"/checksums/* "$OUT/pin/"

# ct-sort's TARGET/PATTERN argument (and --keep-chars after a newline).
printf '%s' 'out/%PatientName-%Modality%StudyID-%StudyDescription-%StudyDate/%SeriesNumber_%SeriesDescription-%InstanceNumber.dcm' > "$OUT/pattern/default"
printf '%s\n.' 'scans/%PatientID/%StudyInstanceUID/%SeriesInstanceUID/%SOPInstanceUID.dcm' > "$OUT/pattern/pipeline"
printf '%s' 'box/%PatientID/../x.dcm' > "$OUT/pattern/dotdot"
printf '%s' '/abs/%Unknown%PatientID' > "$OUT/pattern/unknown"

# Manifests: every form of test 4000, and a CSV export.
u() { printf '%08x-0000-4000-8000-%012x' "$1" "$1"; }
{
	echo "# CT-FM style"; echo "cp s3://idc-open-data/$(u 1)/* ."; echo "cp s3://idc-open-data-cr/$(u 2)/*."
	echo "cp s3://idc-open-data/$(u 3)/$(u 99).dcm."; echo ""; echo "s3://idc-open-data-two/$(u 4)/*"
	echo "gs://idc-open-data/$(u 5)/"; printf '%s' "s3://idc-open-data/$(u 6)"
} > "$OUT/manifest/forms"
{ printf '\xef\xbb\xbf'; sed 's/$/\r/' "$OUT/manifest/forms"; } > "$OUT/manifest/crlf-bom"
{
	echo "SeriesInstanceUID,collection_id,PatientID,cp_command"
	echo "1.2.3.4,nlst,100002,cp s3://idc-open-data/$(u 7)/*."
	echo "\"1.2.3.5\",tcga_luad,\"TCGA,quoted\",cp s3://idc-open-data/$(u 8)/*."
} > "$OUT/manifest/query.csv"
printf 'series_aws_url,collection_id\ns3://idc-open-data/%s/*,lidc_idri\n' "$(u 10)" > "$OUT/manifest/aws.csv"

# A real listing page from s3rver (two objects), and a truncated one with a token.
mirror_start
mkdir "$T/objs"
for i in 1 2 3; do printf 'object %d' "$i" > "$T/objs/0000$i.dcm"; done
mirror_seed idc-open-data ser/ "$T/objs"
curl -sf "$MIRROR_URL/idc-open-data?list-type=2&prefix=ser/" > "$OUT/s3list/page"
curl -sf "$MIRROR_URL/idc-open-data?list-type=2&prefix=ser/&max-keys=2" > "$T/p1"
tok=$(sed -n 's:.*<NextContinuationToken>\(.*\)</NextContinuationToken>.*:\1:p' "$T/p1")
curl -sf "$MIRROR_URL/idc-open-data?list-type=2&prefix=ser/&continuation-token=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "$tok")" > "$T/p2"
{ cat "$T/p1"; printf '\0'; cat "$T/p2"; } > "$OUT/s3list/two-pages"
mirror_stop || true

# BigQuery's answers as the stand-in of tests 4020-4023 gives them (tests/bqserver.js, rows from
# tests/fixtures/bqrows.py with its odd cells): a job still running, the pages of a complete
# one (joined by NUL, as the harness splits them), errors; and the queries ct-bq rewrites.
"$PYTHON" "$TESTS/fixtures/bqrows.py" make 12 "$T/rows.json"
bq_start "$T/rows.json" --token t --page 5 --pending 1
api=$BQ_URL/bigquery/v2/projects/p/queries
bqcurl() { curl -s -H 'Authorization: Bearer t' "$@"; }
bqcurl -d '{"query": "SELECT 1", "useLegacySql": false, "maxResults": 5, "requestId": "r1"}' "$api" > "$OUT/bq/pending"
for tok in "" "p%2B%2F5%3D" "p%2B%2F10%3D"; do
	bqcurl "$api/job_1_x-Y?location=US&maxResults=5${tok:+&pageToken=$tok}" > "$T/page"
	cat "$T/page" >> "$OUT/bq/pages"; printf '\0' >> "$OUT/bq/pages"
done
bqcurl "$api/nojob?location=US" > "$OUT/bq/not-found"
for fault in query-error billing ratelimit 503; do
	bq_start "$T/rows.json" --token t --fault "$fault"
	bqcurl -d '{"query": "SELECT 1", "useLegacySql": false}' "$BQ_URL/bigquery/v2/projects/p/queries" > "$OUT/bq/error-$fault"
done
bq_stop
printf '{"jobComplete": true, "jobReference": {"jobId": "j"}, "errors": [{"reason": "invalidQuery", "message": "no"}]}' > "$OUT/bq/job-failed"
printf 'SELECT * FROM `bigquery-public-data.idc_v14.dicom_all` WHERE Modality = "CT"' > "$OUT/bqsql/ct-fm"
printf 'a:b.d.t\nidc_v20\n-- comment\nSELECT x FROM a:b.d.t, `a:b.d.t`\nJOIN a:b.e.t' > "$OUT/bqsql/other-table"

# Zenodo record JSON as tests/webserver.js builds it; CSVs and NIfTI as the downstream tests do.
"$PYTHON" - "$OUT" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile, zipfile
import numpy as np
out = sys.argv[1]
files = [{"key": "Totalsegmentator_dataset_v2.zip", "size": 1234, "checksum": "md5:" + hashlib.md5(b"x").hexdigest(),
          "links": {"self": "http://127.0.0.1/records/8367088/files/Totalsegmentator_dataset_v2.zip?download=1"}}]
open(out + "/msd/dataset.json", "w").write(json.dumps({"name": "Spleen", "numTraining": 1,
    "training": [{"image": "./imagesTr/spleen_2.nii.gz", "label": "./labelsTr/spleen_2.nii.gz"}],
    "test": ["./imagesTs/spleen_1.nii.gz"]}))
open(out + "/zenodo/one", "w").write(json.dumps({"id": 8367088, "files": files}))
open(out + "/zenodo/two", "w").write(json.dumps({"id": 1, "files": files + [dict(files[0], key="other.csv")]}))
open(out + "/tables/meta.csv", "wb").write(b"\xef\xbb\xbfimage_id;age;gender;split\r\ns0001;60;m;train\r\ns0002;\"7;1\";f;test\r\n")
open(out + "/tables/labels.csv", "w").write('name,organ,max_tumor_size,number_tumors,lesion_group,cancer_flag,CaptionV1\nliver_1,liver,3.2,1,2,1,"a, b"\n')
open(out + "/tables/split.csv", "wb").write(b",training\r\n0,liver_1\r\n1,liver_2\r\n")
open(out + "/tables/plan.tsv", "w").write("scan\turl\tcollection_id\tPatientID\tSeriesInstanceUID\nu1\ts3://idc-open-data/u1/\tnlst\tP1\t1.2\n")
open(out + "/tables/classes.tsv", "w").write("# TotalSegmentator\nid\tname\n1\tspleen\n5\tliver\n")
open(out + "/journal/journal", "w").write("00001.dcm\t3\t900150983cd24fb0d6963f7d28e17f72\tetag\t900150983cd24fb0d6963f7d28e17f72\n"
                                          "00002.dcm\t5\t" + "0" * 32 + "\tsize\tabc-2\n00003.dcm\t1\t")
def npy(arr):
    b = io.BytesIO(); np.save(b, arr); return b.getvalue()
open(out + "/npy/u1.npy", "wb").write(npy(np.arange(24, dtype=np.uint8).reshape(1, 2, 3, 4)))
open(out + "/npy/i8.npy", "wb").write(npy(np.array([[1], [-2]], dtype=np.int64)))
b = io.BytesIO()
np.savez_compressed(b, train_images=np.zeros((2, 3, 3, 3), np.uint8), train_labels=np.zeros((2, 1), np.int64))
open(out + "/archive/organ.npz", "wb").write(b.getvalue())
with zipfile.ZipFile(out + "/archive/zip64.zip", "w", zipfile.ZIP_DEFLATED) as z:
    with z.open("Top/a.txt", "w", force_zip64=True) as f:
        f.write(b"alpha\n" * 20)
    z.writestr("Top/sub/b.bin", os.urandom(300))
    z.writestr("__MACOSX/Top/._a.txt", b"junk")
for mode, name in (("w", "t.tar"), ("w:gz", "t.tar.gz")):
    with tarfile.open(out + "/archive/" + name, mode) as tf:
        for n, data in (("Top/a.txt", b"alpha\n"), ("Top/b.txt", b"beta\n")):
            ti = tarfile.TarInfo(n); ti.size = len(data); tf.addfile(ti, io.BytesIO(data))
        ti = tarfile.TarInfo("Top/link"); ti.type = tarfile.SYMTYPE; ti.linkname = "a.txt"; tf.addfile(ti)
PY
# NIfTI: the fixture's files, inflated (the harness reads them as they are).
"$PYTHON" "$TESTS/fixtures/totalseg.py" "$TOP/manifests/totalsegmentator-v2-classes.tsv" "$T/ts.zip" --cases 1
"$PYTHON" - "$T/ts.zip" "$OUT/nifti" <<'PY'
import gzip, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = [n for n in z.namelist() if n.endswith("ct.nii.gz")] + [n for n in z.namelist() if n.endswith(".nii.gz")][:5]
for n in names:
    open(sys.argv[2] + "/" + n.replace("/", "_")[:-3], "wb").write(gzip.decompress(z.read(n)))
PY
echo "seeds: $(find "$OUT" -type f | wc -l) files in $OUT" >&2
