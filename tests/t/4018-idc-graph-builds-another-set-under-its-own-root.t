#!/usr/bin/env bash
# mk/idc.mk's per-scan graph serves any IDC-sourced set, not only DATA/pretrain: a makefile of
# a dozen lines (the shape RIDER Lung CT's will have) gives it its own root and plan, and gets the
# same NRRDs as make pretrain-data, an index of its own, failures recorded and retried under its
# root, and nothing written under DATA/pretrain; make pretrain-data in the same DATA leaves it
# alone.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/pretrain.sh"

pretrain_world || { fail "local IDC world"; done_testing; exit; }
D=$T/data R=$T/data/downstream/lookalike
cat > "$T/lookalike.mk" <<'EOF'
# A second IDC-sourced set: its manifest, its plan under its own root, mk/idc.mk's scans and index.
include $(CTMAKE)/Makefile
R := $(DATA)/downstream/lookalike
SET_MANIFEST ?= $(R)/manifest.txt
$(R)/plans/all.mk $(R)/plans/all.tsv &: $(SET_MANIFEST) | $(BIN)/ct-plan
	@mkdir -p $(@D)
	$(BIN)/ct-plan --tsv $(R)/plans/all.tsv -o $(R)/plans/all.mk $<
$(call setting,$(R)/.selection,all $(SET_MANIFEST))
.PHONY: lookalike
lookalike: $(R)/plans/all.mk $(R)/plans/all.tsv | $(IDC_TOOLS)
	+@$(call idc_make,$(R),$(R)/plans/all,idc-index)
EOF
set_make() { make --no-print-directory -f "$T/lookalike.mk" CTMAKE="$TOP" DATA="$D" SET_MANIFEST="$1" \
	IDC_ENDPOINT="$PROXY_URL" "${@:2}" >"$T/set.log" 2>&1; }
rel_pkl() { "$PYTHON" -c 'import pickle, sys
for p in pickle.load(open(sys.argv[1], "rb")): print(p.relative_to(sys.argv[2]))' "$1/scan_list.pkl" "$1"; }
sums() { (cd "$1" && find scans -name scan.nrrd -exec md5sum {} + | sort -k2); }

ok "make pretrain-data, for reference" pretrain "$T/ref" -j2
ok "the other set, built by its own makefile over mk/idc.mk" set_make "$T/manifest.txt" lookalike -j2
is "$(rel_pkl "$R")" "$(rel_pkl "$T/ref/pretrain")" "its scan_list.pkl lists its own scans, in manifest order, under its root"
is "$(sums "$R")" "$(sums "$T/ref/pretrain")" "byte-identical NRRDs, laid out as CT-FM lays them out, under its root"
is "$(index_rel "$T/ref" | cut -f1-15)" "$(sed "s|$R|DATA/pretrain|g" "$R/index.tsv" | cut -f1-15)" "an index.tsv of its own with the same rows"
ok "nothing written under DATA/pretrain" test ! -e "$D/pretrain"

# A series missing upstream: under -k it fails alone, recorded under the set's root, and the index
# of the others is written; the same command retries it once it is there.
missing=$(idc_uuid lookalike/missing)
{ cat "$T/manifest.txt"; printf '\ncp s3://idc-open-data/%s/* .\n' "$missing"; } > "$T/with-missing.txt"
ok_fails "with a series missing, make -k fails (exit 2)" 2 set_make "$T/with-missing.txt" lookalike -k -j2
is "$(cut -f1,2 "$R/failed/$missing.tsv" 2>/dev/null)" "$missing	fetch" "the failure is recorded under the set's root"
is "$(tail -n +2 "$R/failed.tsv" | cut -f1,2)" "$missing	fetch" "its failed.tsv names it"
is "$(rel_pkl "$R" | wc -l)" 4 "and its pickle lists the four others"
idc_put_series idc-open-data "$missing" "$SRC_asc"
proxy_reset stats
ok "once the series is there, the same command finishes" set_make "$T/with-missing.txt" lookalike -k -j2
is "$(proxy_sum requests '^GET /idc-open-data[^?]*\.dcm$')" "$(ls "$SRC_asc" | wc -l)" "fetching only the once-missing series"
is "$(rel_pkl "$R" | wc -l):$(ls "$R/failed" | wc -l)" "5:0" "five scans in its pickle, no failure left"

find "$R" -printf '%p %T@\n' | sort > "$T/before"
ok "make pretrain-data in the same DATA" pretrain "$D" -j2
find "$R" -printf '%p %T@\n' | sort > "$T/after"
is "$(diff "$T/before" "$T/after" && echo same)" same "leaves the other set's files as they were"
is "$(sums "$D/pretrain")" "$(sums "$T/ref/pretrain")" "and builds its own"
done_testing
