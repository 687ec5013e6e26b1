# make downstream-sinoct SINOCT_SRC=DIR: the SinoCT head CT set (Stanford AIMI), which needs a
# login and a research-use agreement, so it is downloaded by hand: without SINOCT_SRC the target
# prints what to download and where to put it, writes nothing, and fails.
#
#   .sinoct/studies.mk, .sinoct/labels.csv  ◀─ct-sinoct── SINOCT_SRC checked against its labels table
#   per study ID:
#     .sinoct/records/ID.tsv   ◀─ct-unpack, ct-sort── .sinoct/lists/ID.tsv: its folder (or zip, unpacked)
#                                                     linked into .sinoct/series/ID/<SeriesInstanceUID>/
#                              ◀─ct-series─────────── .sinoct/choice/ID.tsv, its series ranked by the rule
#                              ◀─ct-convert────────── sinoct/ID/nrrd/scan.nrrd (CT-FM's layout)
#   sinoct/labels.csv (patient_id, label "1,0"/"0,1", abnormal) of the studies converted,
#   series.tsv (every choice), index.tsv (every record), datalist.json (CT-FM's split: sorted,
#   random.seed(0), shuffle, 0.8/0.1/0.1)
#
# Each study's steps log to .sinoct/logs/ and record a failure in .sinoct/failed/ID.tsv. Under
# make -k ($(item_may_fail), mk/downstream.mk) a bad study fails alone, the others and the tables
# carry on, and downstream-sinoct then exits 1 naming every study not done.
include $(TOP)/mk/downstream.mk

SINOCT_SRC           ?=
SINOCT_LABELS        ?= $(SINOCT_SRC)/labels.csv
SINOCT_MAX_THICKNESS ?= 5
SN := $(DOWNSTREAM)/sinoct
SW := $(DOWNSTREAM)/.sinoct

define SINOCT_HOWTO
ctmake: SinoCT cannot be fetched unattended: it needs a Stanford AIMI login and its research-use
agreement. To build it:
  1. Sign in to the Stanford AIMI shared datasets (https://aimi.stanford.edu/shared-datasets),
     open SinoCT, accept its research use agreement and download the studies and the labels.
  2. Put them in one folder SRC (the folder may be read-only; nothing is written there):
       SRC/labels.csv        columns patient_id and label: "1,0" normal, "0,1" abnormal
                             (a table elsewhere: SINOCT_LABELS=FILE)
       SRC/<patient_id>/     each study's DICOM files, at any depth and under any names, or
       SRC/<patient_id>.zip  the same, zipped
  3. make downstream-sinoct SINOCT_SRC=SRC   (-j N for N studies at once; -k to carry on past a bad one)
  It checks that every labelled study is there and every study labelled, then writes
  $(SN)/<patient_id>/nrrd/scan.nrrd, labels.csv and datalist.json (CT-FM's split).
endef
export SINOCT_HOWTO

.PHONY: downstream-sinoct
ifeq ($(strip $(SINOCT_SRC)),)
downstream-sinoct:
	@printf '%s\n' "$$SINOCT_HOWTO" >&2; exit 1
else
override SINOCT_SRC := $(abspath $(SINOCT_SRC))
override SINOCT_LABELS := $(abspath $(SINOCT_LABELS))
downstream-sinoct: $(SN)/datalist.json
	@$(STUDY_SH) failed sinoct $(SW) '' $(SINOCT_STUDIES)

ifneq ($(call downstream_goal,sinoct),)
$(call setting,$(SW)/.settings,$(SINOCT_SRC) $(SINOCT_LABELS) max $(SINOCT_MAX_THICKNESS))
include $(SW)/studies.mk
endif
endif

SN_TOOLS := $(addprefix $(BIN)/,ct-sinoct ct-unpack ct-sort ct-series ct-convert ct-csv ct-datalist)
SN_CHOICES = $(SINOCT_STUDIES:%=$(SW)/choice/%.tsv)
SN_RECORDS = $(SINOCT_STUDIES:%=$(SW)/records/%.tsv)

# Remade when the settings change or a study comes or goes at SRC's top (the folder's time).
$(SW)/studies.mk $(SW)/labels.csv &: $(SW)/.settings $(SINOCT_SRC) $(SINOCT_LABELS) | $(SN_TOOLS)
	$(BIN)/ct-sinoct --labels '$(SINOCT_LABELS)' '$(SINOCT_SRC)' $(SW)/studies.mk $(SW)/labels.csv

# Study ID: sorted into its own pool, its series ranked, the chosen one converted.
$(SW)/records/%.tsv: $(SW)/studies.mk
	$(item_may_fail)@$(STUDY_SH) sort $(SW) $* $(SINOCT_SRC)/$*$(if $(filter $*,$(SINOCT_ZIPPED)),.zip) $(SW)/unpacked/$* \
	  '$(SW)/series/$*/%SeriesInstanceUID/%SOPInstanceUID.dcm' $(SW)/lists/$*.tsv \
	  && $(STUDY_SH) choose $(SW) $* $(SW)/choice/$*.tsv $(SINOCT_MAX_THICKNESS) '' $(SW)/series/$*/*/ \
	  && $(STUDY_SH) convert $(SW) $* $(SW)/choice/$*.tsv $(SW)/series/$* $(SN) $*/nrrd/scan.nrrd $@ \
	  && echo "ctmake: sinoct: $* done ($$(ls $(SW)/records/*.tsv | wc -l) of $(words $(SINOCT_STUDIES)))"

$(SN)/series.tsv: $(SN_RECORDS)
	@mkdir -p $(@D)
	@$(STUDY_SH) table $@ '' '' $(SN_CHOICES)

$(SN)/index.tsv: $(SN_RECORDS)
	@mkdir -p $(@D)
	@$(STUDY_SH) table $@ patient_id '' $(SN_RECORDS)

# The labels of the studies converted (a failed one has no folder), as CT-FM reads them.
$(SN)/labels.csv: $(SW)/labels.csv $(SN)/index.tsv | $(SN_TOOLS)
	$(BIN)/ct-csv --present $(SN) --id-column patient_id $< $@

$(SN)/datalist.json: $(SN)/labels.csv $(SN)/series.tsv | $(SN_TOOLS)
	$(BIN)/ct-datalist table --random-split 0.8,0.1,0.1 --sort-by patient_id --id patient_id \
	  --image '{patient_id}/nrrd/scan.nrrd' --int-label abnormal $@ $<
