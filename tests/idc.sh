# tests/idc.sh: lay CT series out in the local mirror as IDC does (sourced after mirror.sh).
#
#   idc_uuid NAME                          # a stable crdc-style UUID from any name
#   idc_put_series BUCKET UUID DICOM_DIR   # every file as BUCKET/UUID/<instance uuid>.dcm

idc_uuid() {
	printf '%s' "$1" | md5sum | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/\1-\2-\3-\4-\5/'
}

idc_put_series() {
	local bucket=$1 uuid=$2 src=$3 stage f
	stage=$(mktemp -d "$T/stage.XXXXXX")
	for f in "$src"/*; do
		[ -f "$f" ] && ln "$f" "$stage/$(idc_uuid "$uuid/${f##*/}").dcm"
	done
	mirror_seed "$bucket" "$uuid/" "$stage" && rm -rf "$stage"
}
