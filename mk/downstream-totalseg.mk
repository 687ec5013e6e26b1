# make downstream-totalseg: the TotalSegmentator archive of Zenodo record TOTALSEG_RECORD,
# verified against the record API's md5 (and the pin in checksums/totalseg.md5 when there is one),
# unpacked once, then per case DATA/downstream/totalseg/<image_id>/ct.nii.gz (a hard link) and
# label.nii.gz (the 117 masks merged), meta.csv (comma-separated, no BOM; only the cases the
# archive holds: the small record's table may list more) and datalist.json.
include $(TOP)/mk/downstream.mk

TOTALSEG_RECORD  ?= 8367088
# A VISTA-style folds JSON: adds vista_split to meta.csv and splits the datalist by it.
TOTALSEG_FOLDS   ?=
TOTALSEG_FOLD    ?= 0
TOTALSEG_PINS    ?= $(CHECKSUMS)/totalseg.md5
TOTALSEG_CLASSES ?= $(TOP)/manifests/totalsegmentator-v2-classes.tsv
# The archive of each known record; another record must hold exactly one file.
TOTALSEG_FILE_8367088  := Totalsegmentator_dataset_v2.zip
TOTALSEG_FILE_10047292 := Totalsegmentator_dataset_v201.zip
TOTALSEG_FILE_8367169  := Totalsegmentator_dataset_small_v201.zip
TOTALSEG_FILE ?= $(TOTALSEG_FILE_$(TOTALSEG_RECORD))

TS     := $(DOWNSTREAM)/totalseg
TS_RAW := $(DOWNSTREAM)/.unpacked/totalseg-$(TOTALSEG_RECORD)
TS_REC := $(ARCHIVES)/zenodo-$(TOTALSEG_RECORD).tsv
TS_ZIP := $(ARCHIVES)/zenodo-$(TOTALSEG_RECORD).zip
TS_SPLIT_COLUMN = $(if $(TOTALSEG_FOLDS),vista_split,split)

.PHONY: downstream-totalseg
downstream-totalseg: $(TS)/datalist.json

# The cases are known once the archive is unpacked: cases.mk names them, and Make restarts
# with it. Only when asked for, so no other goal starts a 23 GB download.
ifneq ($(call downstream_goal,totalseg),)
include $(TS)/cases.mk
$(call setting,$(TS)/.settings,$(TOTALSEG_RECORD) $(abspath $(TOTALSEG_FOLDS)) $(TOTALSEG_FOLD))
endif

.SECONDARY: $(TS_ZIP)

$(TS_REC): | $(DOWNSTREAM_TOOLS)
	@mkdir -p '$(@D)'
	$(BIN)/ct-zenodo --api '$(ZENODO_URL)' $(if $(TOTALSEG_FILE),--file '$(TOTALSEG_FILE)') --pin '$(TOTALSEG_PINS)' $(TOTALSEG_RECORD) '$@'

$(TS_ZIP): $(TS_REC)
	$(call zenodo_fetch,$<,$@)

$(TS_RAW)/meta.csv: $(TS_ZIP) | $(DOWNSTREAM_TOOLS)
	$(BIN)/ct-unpack --strip-top '$<' '$(TS_RAW)'
	$(call drop_archive,$<)

$(TS)/cases.mk: $(TS_RAW)/meta.csv
	@mkdir -p '$(@D)'
	cd '$(TS_RAW)' && { printf 'TS_CASES :='; for f in */ct.nii.gz; do [ -e "$$f" ] && printf ' %s' "$${f%/ct.nii.gz}"; done; echo; } > '$@.tmp' && mv '$@.tmp' '$@'

$(TS)/%/ct.nii.gz: $(TS_RAW)/%/ct.nii.gz
	@mkdir -p '$(@D)'
	ln -f '$<' '$@' 2>/dev/null || { cp '$<' '$@.tmp' && mv '$@.tmp' '$@'; }

$(TS)/%/label.nii.gz: $(TS_RAW)/%/ct.nii.gz $(TOTALSEG_CLASSES) | $(DOWNSTREAM_TOOLS)
	@mkdir -p '$(@D)'
	$(BIN)/ct-labelmap --classes '$(TOTALSEG_CLASSES)' '$(TS_RAW)/$*' '$@'

$(TS)/meta.csv: $(TS_RAW)/meta.csv $(TS)/.settings | $(DOWNSTREAM_TOOLS)
	$(BIN)/ct-csv --present '$(TS_RAW)' $(if $(TOTALSEG_FOLDS),--vista-folds '$(TOTALSEG_FOLDS)' --fold $(TOTALSEG_FOLD)) '$<' '$@'

$(TS)/datalist.json: $(TS)/meta.csv $(TS_CASES:%=$(TS)/%/ct.nii.gz) $(TS_CASES:%=$(TS)/%/label.nii.gz) | $(DOWNSTREAM_TOOLS)
	$(BIN)/ct-datalist table --split-column $(TS_SPLIT_COLUMN) --image '{image_id}/ct.nii.gz' --label '{image_id}/label.nii.gz' '$@' '$<'
