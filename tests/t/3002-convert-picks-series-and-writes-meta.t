#!/usr/bin/env bash
# With two series in one folder ct-convert takes the one with most slices, or the one --series
# names; non-DICOM files beside them are skipped. --meta writes CT-FM's columns then ours (the
# NRRD's absolute path among them), one row, tabs and newlines in values made spaces; a slice
# without TransferSyntaxUID among them does not hang it.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

gen "$T/two" --variant two-series --rows 24 --cols 24 --slices 20 --seed 8 --series-uid 1.2.826.0.1.99.1 \
	--patient-id PAT-8 --study-uid 1.2.826.0.1.99
echo "not DICOM" > "$T/two/README.txt"
ct-convert "$T/two" "$T/big.nrrd" --meta "$T/big.tsv" 2>/dev/null
is "$(meta_field "$T/big.tsv" SeriesInstanceUID) $(meta_field "$T/big.tsv" slices)" "1.2.826.0.1.99.1 20" \
	"the series with most slices is taken"

other=$("$PYTHON" -c 'import pydicom,sys; print(pydicom.dcmread(sys.argv[1]).SeriesInstanceUID)' "$T/two/SE2IM00001.dcm")
ct-convert --series "$other" "$T/two" "$T/small.nrrd" --meta "$T/small.tsv"
mkdir "$T/only"; cp "$T/two"/SE2IM* "$T/only/"
pm_convert "$T/only" "$T/only.pm.nrrd" short
ok "--series takes the other one, voxel for voxel what plastimatch gives from it alone" same_volume "$T/small.nrrd" "$T/only.pm.nrrd"
is "$(meta_field "$T/small.tsv" slices) $(meta_field "$T/small.tsv" SliceThickness)" "10 5.0" "... its 10 slices of 5 mm"
ok_fails "--series naming no series: exit 1" 1 ct-convert --series 1.2.3.4 "$T/two" "$T/none.nrrd"
is "$(ls "$T"/none.nrrd* 2>/dev/null | wc -l)" 0 "... and no output"

header="SeriesInstanceUID PatientID BodyPartExamined ContrastBolusAgent ImageType num_instances StudyInstanceUID ClinicalTrialTimePointID PixelSpacing SliceThickness ConvolutionKernel ReconstructionDiameter Manufacturer path rows columns slices spacing origin direction hu_min hu_max transfer_syntax irregular_spacing tilt_deg thickness_1_5mm more_than_50_slices unique_positions no_localizer skipped_files Modality AcquisitionDate AcquisitionTime InstanceCreationDate InstanceCreationTime SeriesDate SeriesTime left_out"
is "$(head -1 "$T/big.tsv" | tr '\t' ' ')" "$header" "the record's columns, in order"
is "$(sed -n 2p "$T/big.tsv" | cut -f31-38 | tr '\t' '|')" "CT|||||20240102||" \
   "Modality and the times as the first slice has them (the generator writes SeriesDate only), nothing left out"
is "$(wc -l < "$T/big.tsv") $(awk -F'\t' '{print NF}' "$T/big.tsv" | sort -u)" "2 38" "one header line, one row, 38 fields each"
is "$(sed -n 2p "$T/big.tsv" | cut -f2-6,9-13,15-17,20 | tr '\t' ' ')" \
	"PAT-8 CHEST IOPAMIDOL ORIGINAL/PRIMARY/AXIAL 20 14.5833/14.5833 2.5 STANDARD 350.0 CTMAKE PHANTOMS 24 24 20 1/0/0/0/1/0/0/0/1" \
	"header columns as CT-FM's table spells them"
is "$(meta_field "$T/big.tsv" StudyInstanceUID) $(meta_field "$T/big.tsv" thickness_1_5mm) $(meta_field "$T/big.tsv" more_than_50_slices)" \
	"1.2.826.0.1.99 1 0" "study UID; 2.5 mm passes the thickness filter, 20 slices fail the 50-slice one"

(cd "$T" && ct-convert two rel.nrrd --meta rel.tsv 2>/dev/null)
is "$(meta_field "$T/big.tsv" path) $(meta_field "$T/rel.tsv" path)" "$T/big.nrrd $(cd "$T" && pwd -P)/rel.nrrd" \
	"path: the NRRD as written, made absolute when given relative"

gen "$T/long" --rows 8 --cols 8 --slices 51 --thickness 6 --seed 3
"$PYTHON" - "$T/long" <<'PY'
import os, sys, pydicom
for n in os.listdir(sys.argv[1]):
    p = os.path.join(sys.argv[1], n); d = pydicom.dcmread(p)
    d.ContrastBolusAgent = "ORAL\tAND\nIV"; d.ClinicalTrialTimePointID = "T1"; d.save_as(p)
PY
ct-convert "$T/long" "$T/long.nrrd" --meta "$T/long.tsv"
is "$(meta_field "$T/long.tsv" ContrastBolusAgent)|$(meta_field "$T/long.tsv" ClinicalTrialTimePointID)|$(wc -l < "$T/long.tsv")" \
	"ORAL AND IV|T1|2" "a tab and a newline inside a value become spaces"
is "$(meta_field "$T/long.tsv" thickness_1_5mm) $(meta_field "$T/long.tsv" more_than_50_slices)" "0 1" "6 mm fails the thickness filter, 51 slices pass"

# A slice written without File Meta (so without TransferSyntaxUID) after slices with one: the
# list of distinct transfer syntaxes used to loop forever on the empty one.
gen "$T/bare" --rows 8 --cols 8 --slices 4 --seed 3
"$PYTHON" - "$T/bare/IM00003.dcm" <<'PY'
import sys, pydicom
from pydicom.dataset import Dataset
d = pydicom.dcmread(sys.argv[1])
d.is_little_endian, d.is_implicit_VR, d.file_meta, d.preamble = True, False, Dataset(), None
d.save_as(sys.argv[1], write_like_original=True)
PY
timeout 20 ct-convert "$T/bare" "$T/bare.nrrd" --meta "$T/bare.tsv"
is "$? $(meta_field "$T/bare.tsv" transfer_syntax) $(meta_field "$T/bare.tsv" slices)" "0 1.2.840.10008.1.2.1 4" \
	"a slice without TransferSyntaxUID beside others: converted, the others' syntax listed"
done_testing
