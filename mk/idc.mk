# mk/idc.mk: the per-scan graph of a dataset fetched from the Imaging Data Commons, rooted in any
# folder (DATA/pretrain for make pretrain-data; another IDC-sourced set its own). Two halves:
#   included by the Makefile:  $(call idc_make,ROOT,PLAN,GOAL), which runs
#   as a make of its own:      make -f mk/idc.mk IDC_ROOT=ROOT IDC_PLAN=PLAN GOAL
# PLAN.mk and PLAN.tsv are ct-plan's (CT_SCANS, and per scan CT_URL.<uuid>, CT_COLL.<uuid>); the
# per-scan graph is a make of its own because PLAN.mk is a makefile the caller has just written.
#
#   s3://BUCKET/<uuid>/ ──ct-fetch──▶ dicom/<uuid>/.verified                   (MD5-verified)
#                       ──ct-sort───▶ dicom/<uuid>/.scandir  scans/<collection_id>/<PatientID>/<Study>/<Series>/
#                       ──ct-convert▶ records/<uuid>.tsv     scan.nrrd in that folder
#   every record of PLAN ──ct-index──▶ scan_list.pkl, index.tsv, failed.tsv
#
# Each step is the command alone: it logs to logs/<uuid>.log (every step of the scan, in turn),
# records why it failed in
# failed/<uuid>.tsv (removed when it succeeds) and fails the target, so make's exit status is
# honest; under make -k every other scan goes on. One scan's files are lib/scanfiles.h's.
# Two Make targets a scan, never more: Make holds ~2.5 KB a target, and CT-FM has 148,394
# scans (bench/scale.md). Never pass the scan list through $(filter) or $(filter-out): Make 4.3
# crashes on 148k words.

ifeq ($(IDC_ROOT),)
# ---- the caller's half --------------------------------------------------------------------------

IDC_TOOLS = $(addprefix $(BIN)/,ct-fetch ct-sort ct-convert ct-status ct-index)
# What the per-scan make gets from this one besides the command line's variables (MAKEFLAGS).
IDC_PASS  = BIN=$(BIN) KEEP_DICOM=$(KEEP_DICOM) FETCH_JOBS=$(FETCH_JOBS) FETCH_FLAGS=$(call shq,$(FETCH_FLAGS)) \
            IDC_CONVERT_FLAGS=$(call shq,$(IDC_CONVERT_FLAGS)) \
            IDC_ENDPOINT=$(call shq,$(IDC_ENDPOINT)) GCS_ENDPOINT=$(call shq,$(GCS_ENDPOINT))
idc_sub   = $(MAKE) --no-print-directory -f $(TOP)/mk/idc.mk IDC_ROOT=$1 IDC_PLAN=$2 $(IDC_PASS)

# $(call idc_make,ROOT,PLAN,GOAL), a recipe line (after +@): GOAL over PLAN's scans under ROOT.
#   idc-scans       every scan's record
#   idc-index       those, then the index (scan_list.pkl, index.tsv, failed.tsv); under make -k
#                   the index is written even when some scans failed (it says how many), and the
#                   exit status stays non-zero
#   idc-index-as-is the index of whatever is done now
# ROOT/.selection (the caller's, e.g. with $(call setting,...)) names what the index covers: the
# index is remade when it changes. Needs $(IDC_TOOLS) built. IDC_CONVERT_FLAGS (e.g. a
# target-specific --leave-out-non-ct) are more ct-convert options.
idc_make = $(call idc_sub,$1,$2) $3$(if $(and $(KEEP_GOING),$(filter idc-index,$3)), \
  || { $(call idc_sub,$1,$2) idc-index-as-is; exit 1; })

else
# ---- the per-scan make --------------------------------------------------------------------------

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
include $(TOP)/mk/lib.mk
.SUFFIXES:
$(call no_blanks,IDC_ROOT)
BIN          ?= $(TOP)/bin
KEEP_DICOM   ?= link
FETCH_JOBS   ?= 16
FETCH_FLAGS  ?=
IDC_CONVERT_FLAGS ?=
IDC_ENDPOINT ?= https://s3.amazonaws.com
GCS_ENDPOINT ?= https://storage.googleapis.com

# One scan's files, by its uuid (lib/scanfiles.h names the same).
scan_verified   = $(IDC_ROOT)/dicom/$1/.verified
scan_sort_list  = $(IDC_ROOT)/dicom/$1/.sort-list.tsv
scan_series_dir = $(IDC_ROOT)/dicom/$1/.scandir
scan_record     = $(IDC_ROOT)/records/$1.tsv
scan_failed     = $(IDC_ROOT)/failed/$1.tsv
scan_log        = $(IDC_ROOT)/logs/$1.log
# Where ct-sort puts a scan's DICOM (and ct-convert its scan.nrrd): CT-FM's layout.
scan_sorted     = $(IDC_ROOT)/scans/$(CT_COLL.$1)/%PatientID/%StudyInstanceUID/%SeriesInstanceUID/%SOPInstanceUID.dcm

# $(call step,UUID): what makes a command one of the scan's steps (lib/step.h).
step = --log $(call scan_log,$1) --failed $(call scan_failed,$1)
SORT_MODE = $(if $(filter copy keep,$(KEEP_DICOM)),--copy)
endpoints = $(foreach e,$(if $(filter gs://%,$(CT_URL.$1)),$(GCS_ENDPOINT),$(IDC_ENDPOINT)),--endpoint $(e))
INDEX     = $(BIN)/ct-index --plan $(IDC_PLAN).tsv $(IDC_ROOT)

.PHONY: idc-scans idc-index idc-index-as-is
ifeq ($(filter idc-index-as-is,$(MAKECMDGOALS)),)
-include $(IDC_PLAN).mk
RECORDS  := $(CT_SCANS:%=$(call scan_record,%))
VERIFIED := $(CT_SCANS:%=$(call scan_verified,%))
# For the progress lines: how many scans there are, and were done before this run started.
SCAN_COUNT  := $(words $(CT_SCANS))
DONE_BEFORE := $(words $(wildcard $(RECORDS)))
# Each run names itself (its start, in ns): ct-status tells its rate from earlier runs'.
export CT_RUN := $(shell date +%s%N)-$(notdir $(IDC_PLAN))
endif

idc-scans: $(RECORDS)
idc-index: $(IDC_ROOT)/scan_list.pkl

$(VERIFIED): $(call scan_verified,%):
	@$(BIN)/ct-fetch $(call step,$*) $(FETCH_FLAGS) --jobs $(FETCH_JOBS) $(call endpoints,$*) $(CT_URL.$*) $(@D)

# Sorting and converting share one target (two targets a scan, not three); the series' folder
# ct-sort names, dicom/<uuid>/.scandir, is still a named file between the two.
$(RECORDS): $(call scan_record,%): $(call scan_verified,%) | $(IDC_ROOT)/records
	@$(BIN)/ct-sort $(call step,$*) $(SORT_MODE) --keep-chars . --list $(call scan_sort_list,$*) \
	  --series-dir $(call scan_series_dir,$*) $(<D) '$(call scan_sorted,$*)'
	@d=$$(cat $(call scan_series_dir,$*)) && $(BIN)/ct-convert $(call step,$*) $(IDC_CONVERT_FLAGS) --meta $@ "$$d" "$$d/scan.nrrd"
	@$(BIN)/ct-status --done $* $(if $(filter drop,$(KEEP_DICOM)),--drop-dicom) --run $(notdir $(IDC_PLAN)) \
	  --total $(SCAN_COUNT) --before $(DONE_BEFORE) $(IDC_ROOT)

$(IDC_ROOT)/records:
	@mkdir -p $@

# Every command writes atomically, so a target is whole or absent: an interrupted recipe
# (Ctrl-C) must not lose a record that is already committed (nor, with KEEP_DICOM=drop, the
# only trace of a scan whose DICOM is going), nor a .verified whose ct-fetch was still exiting.
# By name: a pattern in .PRECIOUS covers implicit rules only, and Make 4.3 deleted these
# static-pattern targets on SIGINT ("Deleting file .../.verified", test 4016 under SAN=1).
.PRECIOUS: $(RECORDS) $(VERIFIED) $(IDC_ROOT)/scan_list.pkl

# ct-index exits 1 when scans failed or are not done, having written the index all the same.
$(IDC_ROOT)/scan_list.pkl: $(RECORDS) $(IDC_PLAN).tsv $(IDC_ROOT)/.selection
	$(INDEX)
# The caller's files, made before this make starts (absent only under make -n).
$(IDC_PLAN).tsv $(IDC_ROOT)/.selection: ;
idc-index-as-is:
	$(INDEX)

endif
