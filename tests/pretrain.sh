# tests/pretrain.sh: a small IDC world for the pipeline tests (source after lib.sh).
#
#   pretrain_world          # mirror + fault proxy in front of it, four series seeded:
#                           #   asc  (idc-open-data), desc (idc-open-data-two),
#                           #   jls  (JPEG-LS, idc-open-data-cr), real (pydicom's CT5N)
#                           # $T/manifest.txt names them (in that order, in several forms);
#                           # SRC_<name> is each series' uncompressed DICOM, UUID_<name> its uuid
#   pretrain DATA [ARGS...] # make pretrain-data against the proxy, quietly (log: $T/make.log)
#   nrrd_sums DATA          # "SeriesInstanceUID md5" of every scan.nrrd, sorted
#   pkl_rel DATA            # the pickle's paths relative to DATA, one a line (loaded by Python)
#   index_rel DATA          # index.tsv with DATA replaced by "DATA"
. "$TESTS/mirror.sh"
. "$TESTS/faultproxy.sh"
. "$TESTS/idc.sh"
. "$TESTS/ct.sh"

PRETRAIN_SERIES="asc desc jls real"

pretrain_world() {
	mirror_start && proxy_start "$MIRROR_URL" || return 1
	gen "$T/src/asc" --rows 48 --cols 40 --slices 24 --seed 21 --patient-id PT-A >/dev/null
	gen "$T/src/desc" --rows 40 --cols 48 --slices 26 --seed 22 --variant descending --patient-id PT-B >/dev/null
	gen "$T/src/jls" --rows 48 --cols 48 --slices 20 --seed 23 --patient-id PT-C >/dev/null
	gen "$T/src/jls.dcm" --rows 48 --cols 48 --slices 20 --seed 23 --patient-id PT-C --compress jpegls >/dev/null
	SRC_asc=$T/src/asc SRC_desc=$T/src/desc SRC_jls=$T/src/jls SRC_real=$PYDICOM_CT/98892001/CT5N
	local name bucket
	for name in $PRETRAIN_SERIES; do
		eval "UUID_$name=\$(idc_uuid \"pretrain/$name\")"
	done
	idc_put_series idc-open-data "$UUID_asc" "$SRC_asc"
	idc_put_series idc-open-data-two "$UUID_desc" "$SRC_desc"
	idc_put_series idc-open-data-cr "$UUID_jls" "$T/src/jls.dcm"
	idc_put_series idc-open-data "$UUID_real" "$SRC_real"
	{
		echo "# four series, four manifest forms"
		echo "cp s3://idc-open-data/$UUID_asc/* ."
		printf 'cp s3://idc-open-data-two/%s/*.\r\n' "$UUID_desc"
		echo "s3://idc-open-data-cr/$UUID_jls/*"
		echo "cp s3://idc-open-data/$UUID_real/$(idc_uuid x).dcm."
	} > "$T/manifest.txt"
}

pretrain() {
	local data=$1; shift
	make --no-print-directory -C "$TOP" pretrain-data DATA="$data" MANIFEST="${MANIFEST:-$T/manifest.txt}" \
		IDC_ENDPOINT="$PROXY_URL" "$@" >"$T/make.log" 2>&1
}

nrrd_sums() {
	local f
	find "$1/pretrain/scans" -name scan.nrrd | while read -r f; do
		echo "$(basename "$(dirname "$f")") $(md5_of "$f")"
	done | sort
}

pkl_rel() {
	"$PYTHON" -c '
import pathlib, pickle, sys
root = pathlib.Path(sys.argv[2])
for p in pickle.load(open(sys.argv[1], "rb")):
    assert type(p) is pathlib.PosixPath and p.is_absolute(), repr(p)
    print(p.relative_to(root))' "$1/pretrain/scan_list.pkl" "$1"
}

index_rel() {
	sed "s|$1|DATA|g" "$1/pretrain/index.tsv"
}
