# tests/ct.sh: helpers for the DICOM tests (source after lib.sh).
#   gen DIR ARGS...        the CT fixture generator (tests/fixtures/gen-ct.py)
#   same_volume A B [TOL]  the two NRRDs hold the same voxels (within TOL) on the same grid
#   meta_field TSV NAME    one column of a --meta record, by its header name
#   pm_convert DIR OUT TYPE  plastimatch convert, quietly
export PYTHONPATH=$TESTS
gen() { local d=$1; shift; "$PYTHON" "$TESTS/fixtures/gen-ct.py" "$d" "$@"; }
same_volume() { "$PYTHON" "$TESTS/nrrdcmp.py" "$@"; }
meta_field() {
	awk -F'\t' -v k="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == k) c = i } NR == 2 && c { print $c }' "$1"
}
pm_convert() { plastimatch convert --input "$1" --output-img "$2" --output-type "$3" >/dev/null 2>&1; }
PYDICOM_CT=/usr/lib/python3/dist-packages/pydicom/data/test_files/dicomdirtests
