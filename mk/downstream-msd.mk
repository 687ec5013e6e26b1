# make downstream-msd: Medical Segmentation Decathlon tasks, verified tars unpacked under
# DATA/downstream/msd/<Task>/ (AppleDouble files dropped) and one datalist.json over MSD_TASKS.
include $(TOP)/mk/downstream.mk

MSD_ALL_TASKS := Task01_BrainTumour Task02_Heart Task03_Liver Task04_Hippocampus Task05_Prostate \
                 Task06_Lung Task07_Pancreas Task08_HepaticVessel Task09_Spleen Task10_Colon
MSD_TASKS ?= Task03_Liver Task06_Lung Task07_Pancreas Task08_HepaticVessel
MSD_PINS  ?= $(CHECKSUMS)/msd.md5
MSD_PIN_CHECK := $(call pin_stamp,msd)

.PHONY: downstream-msd
downstream-msd: $(MSD)/datalist.json

ifneq ($(call downstream_goal,msd),)
ifneq ($(filter-out $(MSD_ALL_TASKS),$(MSD_TASKS)),)
$(error MSD_TASKS: unknown task $(filter-out $(MSD_ALL_TASKS),$(MSD_TASKS)); the tasks are $(MSD_ALL_TASKS))
endif
$(call setting,$(MSD)/.tasks,$(MSD_TASKS))
$(call setting,$(MSD_PIN_CHECK).what,$(MSD_PINS) $(MSD_TASKS))
$(MSD_TASKS:%=$(ARCHIVES)/msd/%.tar): | $(MSD_PIN_CHECK)
endif

.SECONDARY: $(MSD_ALL_TASKS:%=$(ARCHIVES)/msd/%.tar)

# Every task's pin is checked before the first tar is fetched.
$(MSD_PIN_CHECK): $(MSD_PIN_CHECK).what $(MSD_PINS) | $(DOWNSTREAM_TOOLS)
	$(BIN)/ct-pin --check '$(MSD_PINS)' $(MSD_TASKS:%=%.tar)
	touch '$@'

$(ARCHIVES)/msd/%.tar: | $(DOWNSTREAM_TOOLS)
	@mkdir -p '$(@D)'
	md5=$$($(BIN)/ct-pin '$(MSD_PINS)' '$*.tar') && $(FETCH_URL) '$(MSD_URL)/$*.tar' --md5 "$$md5" '$@'

$(MSD)/%/dataset.json: $(ARCHIVES)/msd/%.tar | $(DOWNSTREAM_TOOLS)
	$(BIN)/ct-unpack --strip-top '$<' '$(MSD)/$*'
	$(call drop_archive,$<)

$(MSD)/datalist.json: $(MSD_TASKS:%=$(MSD)/%/dataset.json) $(MSD)/.tasks | $(DOWNSTREAM_TOOLS)
	$(BIN)/ct-datalist msd '$@' $(MSD_TASKS:%='$(MSD)/%')
