# make downstream-cq500: the CQ500 head CT set (qure.ai), one scan.nrrd per patient, laid out as
# CT-FM's get_cq500_datalist reads it, labelled from reads.csv.
#
#   per archive N (CQ500_IDS):
#     .cq500/lists/N.tsv    ◀─ct-fetch── CQ500_URL/CQ500-CT-N.zip into .archives/cq500/, verified by its SHA-256
#                                        pin (checksums/cq500.sha256, else the pin recorded on its first fetch
#                                        in .cq500/pins/), dropped once sorted unless KEEP_ARCHIVES=1
#                           ◀─ct-unpack, ct-sort── linked into .cq500/series/<SeriesInstanceUID>/ (one pool:
#                                        a series split over two archives is whole there)
#   .cq500/sources.tsv      ◀──────────── every list: which series each patient folder holds (the barrier:
#                                        a patient is chosen once every archive is sorted)
#   per patient N:
#     .cq500/records/N.tsv  ◀─ct-series── .cq500/choice/N.tsv, its series ranked by the rule
#                           ◀─ct-convert─ cq500/CQ500CTN CQ500CTN/scan.nrrd, the only file there
#                                        (converted again only when the choice changed)
#   cq500/reads.csv ◀ .archives/cq500/reads.csv; cq500/labels.tsv ◀─ct-cq500── reads.csv
#   cq500/series.tsv (every choice), index.tsv (every record), datalist.json (ct-datalist, CT-FM's
#   split: all testing, its order)
#
# Archive N and patient N are one study, CQ500-CT-N: its steps log to .cq500/logs/ and record a
# failure in .cq500/failed/CQ500-CT-N.tsv. Under make -k ($(item_may_fail), mk/downstream.mk) a
# bad zip or series fails that patient alone, the others and the tables carry on (a patient whose
# own archive failed is not attempted), and downstream-cq500 then exits 1 naming every patient
# not done; the next run retries exactly those.
include $(TOP)/mk/downstream.mk

CQ500_URL           ?= https://s3.ap-south-1.amazonaws.com/qure.headct.study
CQ500_PINS          ?= $(CHECKSUMS)/cq500.sha256
CQ500_MAX_THICKNESS ?= 5
CQ   := $(DOWNSTREAM)/cq500
CQW  := $(DOWNSTREAM)/.cq500
CQZ  := $(ARCHIVES)/cq500
CQ_PIN_CHECK := $(call pin_stamp,cq500)

.PHONY: downstream-cq500
downstream-cq500: $(CQ)/datalist.json | $(BIN)/ct-pin
	@sh $(TOP)/mk/cq500-report.sh '$(CQ500_PINS)' '$(CQW)' $(CQ500_IDS)

ifneq ($(call downstream_goal,cq500),)
CQ500_IDS ?= $(shell seq 0 490)
ifneq ($(filter-out 0 $(shell seq 490),$(CQ500_IDS)),)
$(error CQ500_IDS: $(filter-out 0 $(shell seq 490),$(CQ500_IDS)) not in 0…490)
endif
$(call setting,$(CQ_PIN_CHECK).what,$(CQ500_PINS))
$(call setting,$(CQW)/.settings,$(CQ500_IDS) max $(CQ500_MAX_THICKNESS))
endif

CQ_LISTS   := $(CQ500_IDS:%=$(CQW)/lists/%.tsv)
CQ_CHOICES := $(CQ500_IDS:%=$(CQW)/choice/%.tsv)
CQ_RECORDS := $(CQ500_IDS:%=$(CQW)/records/%.tsv)
CQ_SH   = sh $(TOP)/mk/cq500.sh $(BIN) $(CQ) $(CQW)
CQ_TOOLS := $(addprefix $(BIN)/,ct-fetch ct-pin ct-unpack ct-sort ct-series ct-convert ct-cq500 ct-csv ct-datalist)
CQ_ZIP   = $(CQZ)/CQ500-CT-$1.zip

.SECONDARY: $(CQZ)/reads.csv

# Every pin (shipped, and recorded on a first fetch) is checked before the first download.
$(CQ_PIN_CHECK): $(CQ_PIN_CHECK).what $(CQ500_PINS) | $(CQ_TOOLS)
	$(BIN)/ct-pin --kind sha256 --check '$(CQ500_PINS)'
	@for f in $(CQW)/pins/*.sha256; do [ ! -e "$$f" ] || $(BIN)/ct-pin --kind sha256 --check "$$f" || exit 1; done
	touch '$@'

$(CQZ)/reads.csv: | $(CQ_PIN_CHECK) $(CQ_TOOLS)
	$(STUDY_SH) fetch '' '' reads.csv $@ $(CQ500_URL) $(CQ500_PINS) $(CQW)/pins $(DOWNSTREAM_FETCH_FLAGS)

# Archive N: fetched (resumed, verified), unpacked and sorted into the pool.
$(CQW)/lists/%.tsv: | $(CQ_PIN_CHECK) $(CQ_TOOLS)
	$(item_may_fail)@$(STUDY_SH) fetch $(CQW) CQ500-CT-$* CQ500-CT-$*.zip $(call CQ_ZIP,$*) $(CQ500_URL) $(CQ500_PINS) \
	  $(CQW)/pins $(DOWNSTREAM_FETCH_FLAGS) \
	  && $(STUDY_SH) sort $(CQW) CQ500-CT-$* $(call CQ_ZIP,$*) $(CQW)/unpacked/$* \
	  '$(CQW)/series/%SeriesInstanceUID/%SOPInstanceUID.dcm' $@ $(if $(filter 1,$(KEEP_ARCHIVES)),,$(call CQ_ZIP,$*))

# The barrier: a patient's files may lie in any archive.
$(CQW)/sources.tsv: $(CQ_LISTS) $(CQW)/.settings
	@$(CQ_SH) sources $@ $(CQ_LISTS)

# Patient N: its series ranked, the chosen one converted.
$(CQW)/records/%.tsv: $(CQW)/sources.tsv $(CQ)/labels.tsv
	$(item_may_fail)@[ ! -e $(CQW)/lists/$*.tsv ] || { $(CQ_SH) choose $* $(CQW)/choice/$*.tsv $(CQ500_MAX_THICKNESS) \
	  && $(CQ_SH) convert $* $(CQW)/choice/$*.tsv $(CQ)/labels.tsv $@ \
	  && echo "ctmake: cq500: CQ500-CT-$* done ($$(ls $(CQW)/records/*.tsv | wc -l) of $(words $(CQ500_IDS)))"; }

$(CQ)/reads.csv: $(CQZ)/reads.csv
	@mkdir -p $(@D)
	cp $< $@.tmp && mv $@.tmp $@

$(CQ)/labels.tsv: $(CQ)/reads.csv | $(CQ_TOOLS)
	$(BIN)/ct-cq500 $< $@

# Every series of every patient and why one was chosen; every conversion's record.
$(CQ)/series.tsv: $(CQ_RECORDS)
	@$(STUDY_SH) table $@ '' '' $(CQ_CHOICES)

$(CQ)/index.tsv: $(CQ_RECORDS)
	@$(STUDY_SH) table $@ name CQ500-CT- $(CQ_RECORDS)

# The patients with a scan.nrrd (a failed one has no folder), in CT-FM's order.
$(CQ)/datalist.json: $(CQ)/labels.tsv $(CQ)/series.tsv $(CQ)/index.tsv | $(CQ_TOOLS)
	$(BIN)/ct-csv --present $(CQ) --id-column dir $(CQ)/labels.tsv $(CQW)/present.csv
	$(BIN)/ct-datalist table --random-split 0,0,1 --sort-by dir --id name --image '{dir}/scan.nrrd' --int-label label $@ $(CQW)/present.csv
