# make downstream-rider: RIDER Lung CT (IDC collection rider_lung_ct: 32 patients, each scanned
# twice within 15 minutes), its CT series through the pre-training's per-scan graph (mk/idc.mk)
# under DATA/downstream/rider, and pairs.tsv: each patient's test and retest.
#
#   manifests/rider-lung-ct.sql ──make manifest's ct-bq (QUERY=)──▶ DATA/manifests/rider-lung-ct-<IDC_VERSION>.csv
#     (or RIDER_MANIFEST=, any manifest CSV with collection_id, e.g. make manifest's ctfm-v14.csv)
#   └─ct-plan --collection rider_lung_ct --modality CT──▶ rider/plans/rider_lung_ct-CT.mk, .tsv
#   └─mk/idc.mk per scan: ct-fetch, ct-sort, ct-convert --leave-out-non-ct──▶ rider/records/<uuid>.tsv,
#       rider/scans/rider_lung_ct/<PatientID>/<Study>/<Series>/scan.nrrd
#     └─ct-index──▶ rider/scan_list.pkl, index.tsv, failed.tsv
#       └─ct-pairs──▶ rider/pairs.tsv   (by acquisition time: lib/pairs.h)
#
# A SEG or RTSTRUCT the selection let through anyway (a manifest without a Modality column) is
# left out at conversion (its record says why, index.tsv names it, pairs.tsv notes it), not failed.
include $(TOP)/mk/downstream.mk

RIDER          := $(DOWNSTREAM)/rider
RIDER_QUERY    := $(TOP)/manifests/rider-lung-ct.sql
RIDER_CSV      := $(MANIFESTS)/rider-lung-ct-$(IDC_VERSION).csv
RIDER_MANIFEST ?= $(RIDER_CSV)
$(call no_blanks,RIDER_MANIFEST)
override RIDER_MANIFEST := $(abspath $(RIDER_MANIFEST))
RIDER_PLAN     := $(RIDER)/plans/rider_lung_ct-CT
RIDER_PAIRS     = $(BIN)/ct-pairs --plan $(RIDER_PLAN).tsv $(RIDER)

.PHONY: downstream-rider
downstream-rider: $(RIDER)/pairs.tsv

ifneq ($(call downstream_goal,rider),)
# Without a CSV to read, the query must run, and BigQuery bills it: say so before anything runs.
ifeq ($(RIDER_MANIFEST)$(BQ_PROJECT),$(RIDER_CSV))
ifeq ($(wildcard $(RIDER_CSV)),)
$(error make downstream-rider needs its manifest: BQ_PROJECT=<a billed Google Cloud project> runs \
  manifests/rider-lung-ct.sql into $(RIDER_CSV) (make manifest's machinery), or RIDER_MANIFEST=FILE \
  names a manifest CSV with a collection_id column (e.g. make manifest's ctfm-$(IDC_VERSION).csv))
endif
endif
$(call setting,$(RIDER_PLAN).manifest,$(RIDER_MANIFEST))
$(call setting,$(RIDER)/.selection,$(notdir $(RIDER_PLAN)) $(RIDER_MANIFEST))
endif

# 1. The query's CSV, by make manifest's own rule, in a make whose QUERY= names the shipped query
#    (there mk/manifest.mk's rule makes it). Made once, as make manifest's is: a checkout that
#    touches the query (a git pull) must not bill it again; delete the CSV to query again.
ifneq ($(QUERY_FILE),$(RIDER_QUERY))
$(RIDER_CSV): | $(RIDER_QUERY) $(BIN)/ct-bq $(BIN)/ct-plan
	+@$(MAKE) --no-print-directory -f $(TOP)/Makefile QUERY=$(RIDER_QUERY) $@
endif

# 2. The plan: rider_lung_ct's CT series only, whatever else the manifest holds.
$(RIDER_PLAN).mk $(RIDER_PLAN).tsv &: $(RIDER_MANIFEST) $(RIDER_PLAN).manifest | $(BIN)/ct-plan
	$(BIN)/ct-plan --collection rider_lung_ct --modality CT --tsv $(RIDER_PLAN).tsv -o $(RIDER_PLAN).mk $(RIDER_MANIFEST)

# 3. The per-scan graph and the index, a make of its own over the plan (mk/idc.mk), asked every
#    time (it does nothing when all is done); scan_list.pkl is only rewritten with the index, so
#    pairs.tsv is remade exactly then. Under make -k the index and pairs.tsv are written even
#    when some scans failed (pairs.tsv names them), and the run still fails.
$(RIDER)/scan_list.pkl: $(RIDER_PLAN).mk $(RIDER_PLAN).tsv rider-force | $(IDC_TOOLS) $(BIN)/ct-pairs
	+@($(call idc_make,$(RIDER),$(RIDER_PLAN),idc-index))$(if $(KEEP_GOING), || { $(RIDER_PAIRS); exit 1; })
$(RIDER)/scan_list.pkl: IDC_CONVERT_FLAGS := --leave-out-non-ct
.PHONY: rider-force
rider-force:
# The index is ct-index's, written whole; a failed run must not lose it.
.PRECIOUS: $(RIDER)/scan_list.pkl

# 4. The pairs.
$(RIDER)/pairs.tsv: $(RIDER)/scan_list.pkl | $(BIN)/ct-pairs
	$(RIDER_PAIRS)
