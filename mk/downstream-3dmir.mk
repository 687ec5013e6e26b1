# make downstream-3dmir: 3D-MIR's label and split tables from the pinned commit (verified by git
# blob id, normalised to plain CSV), joined to the MSD images of liver, colon, pancreas and lung
# (those four tasks are unpacked by downstream-msd's rules, whatever MSD_TASKS says), giving
# DATA/downstream/3dmir/index.tsv and datalist.json.
include $(TOP)/mk/downstream.mk

TDMIR_COMMIT ?= 4b661643f010ba8a443778be813f354edb12ce53
TDMIR_PINS   ?= $(CHECKSUMS)/3dmir.gitblob
TDMIR        := $(DOWNSTREAM)/3dmir
TDMIR_RAW    := $(ARCHIVES)/3dmir-$(TDMIR_COMMIT)
TDMIR_ORGANS := liver colon pancreas lung
TDMIR_TASKS  := Task03_Liver Task10_Colon Task07_Pancreas Task06_Lung
TDMIR_TABLES := $(TDMIR_ORGANS:%=Data/3DMIR_labels/%_labels_and_captions.csv) \
                $(foreach o,$(TDMIR_ORGANS),$(foreach s,train test,Data/Data_Splits/$(o)_full_$(s)_split.csv))

# Pattern-made, so Make would delete them as intermediates; they are small and worth keeping.
.SECONDARY: $(TDMIR_TABLES:%=$(TDMIR_RAW)/%) $(TDMIR_TABLES:%=$(TDMIR)/tables/%)

.PHONY: downstream-3dmir
downstream-3dmir: $(TDMIR)/datalist.json

# Before any download (a table or one of the four MSD tars): all twelve table pins and the four
# tars' pins are checked.
TDMIR_PIN_CHECK := $(call pin_stamp,3dmir)
ifneq ($(call downstream_goal,3dmir),)
$(call setting,$(TDMIR_PIN_CHECK).what,$(TDMIR_PINS) $(MSD_PINS))
$(TDMIR_TASKS:%=$(ARCHIVES)/msd/%.tar): | $(TDMIR_PIN_CHECK)
endif

$(TDMIR_PIN_CHECK): $(TDMIR_PIN_CHECK).what $(TDMIR_PINS) $(MSD_PINS) | $(DOWNSTREAM_TOOLS)
	$(BIN)/ct-pin --kind sha1-gitblob --check '$(TDMIR_PINS)' $(TDMIR_TABLES)
	$(BIN)/ct-pin --check '$(MSD_PINS)' $(TDMIR_TASKS:%=%.tar)
	touch '$@'

$(TDMIR_RAW)/%.csv: | $(TDMIR_PIN_CHECK) $(DOWNSTREAM_TOOLS)
	@mkdir -p '$(@D)'
	blob=$$($(BIN)/ct-pin --kind sha1-gitblob '$(TDMIR_PINS)' '$*.csv') && \
	$(FETCH_URL) '$(GITHUB_RAW_URL)/abachaa/3D-MIR/$(TDMIR_COMMIT)/$*.csv' --sha1-gitblob "$$blob" '$@'

$(TDMIR)/tables/%.csv: $(TDMIR_RAW)/%.csv | $(DOWNSTREAM_TOOLS)
	@mkdir -p '$(@D)'
	$(BIN)/ct-csv --sep , '$<' '$@'

$(TDMIR)/index.tsv: $(TDMIR_TABLES:%=$(TDMIR)/tables/%) $(TDMIR_TASKS:%=$(MSD)/%/dataset.json) | $(DOWNSTREAM_TOOLS)
	$(BIN)/ct-3dmir --msd '$(MSD)' --csv '$(TDMIR)/tables' '$@'

$(TDMIR)/datalist.json: $(TDMIR)/index.tsv
	$(BIN)/ct-datalist table --image '{image}' --int-label lesion_group --extra task --extra organ --extra cancer_flag '$@' '$<'
