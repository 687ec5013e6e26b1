# make downstream-cq500: the CQ500 head CT set (qure.ai), one scan.nrrd per patient, laid out as
# CT-FM's get_cq500_datalist reads it, labelled from reads.csv.
#
#   per archive N (CQ500_IDS):
#     .archives/cq500/CQ500-CT-N.zip  ◀─fetch── CQ500_URL, verified by its SHA-256 pin (checksums/cq500.sha256,
#                                               else the pin recorded on its first fetch in .cq500/pins/)
#     .cq500/lists/N.tsv              ◀─sort─── unpacked, linked into .cq500/series/<SeriesInstanceUID>/ (one pool:
#                                               a series split over two archives is whole there)
#   .cq500/sources.tsv                ◀──────── every list: which series each patient folder holds (the barrier:
#                                               a patient is chosen once every archive is sorted)
#   per patient N:
#     .cq500/choice/N.tsv             ◀─ct-series── its series ranked by the rule
#     .cq500/records/N.tsv            ◀─ct-convert── cq500/CQ500CTN CQ500CTN/scan.nrrd, the only file there
#                                                  (converted again only when the choice changed)
#   cq500/reads.csv ◀ .archives/cq500/reads.csv; cq500/labels.tsv ◀─ct-cq500── reads.csv
#   cq500/series.tsv, index.tsv, datalist.json (ct-datalist, CT-FM's split: all testing, its order)
#
# The archive and patient steps go through mk/step.sh: under make -k a bad zip or series fails
# that patient alone (DATA/downstream/.cq500/failed/), the others and the tables carry on, and
# downstream-cq500 then exits 1 naming them; the next run retries exactly those.
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

CQ_ZIPS    := $(CQ500_IDS:%=$(CQZ)/CQ500-CT-%.zip)
CQ_LISTS   := $(CQ500_IDS:%=$(CQW)/lists/%.tsv)
CQ_CHOICES := $(CQ500_IDS:%=$(CQW)/choice/%.tsv)
CQ_RECORDS := $(CQ500_IDS:%=$(CQW)/records/%.tsv)
CQ_SH   = sh $(TOP)/mk/cq500.sh $(BIN) $(CQ) $(CQW)
CQ_STEP = @sh $(TOP)/mk/step.sh $(CQW) '$(KEEP_GOING)'
CQ_TOOLS := $(addprefix $(BIN)/,ct-fetch ct-pin ct-unpack ct-sort ct-series ct-convert ct-cq500 ct-csv ct-datalist)

.SECONDARY: $(CQ_ZIPS) $(CQZ)/reads.csv

# Every pin (shipped, and recorded on a first fetch) is checked before the first download.
$(CQ_PIN_CHECK): $(CQ_PIN_CHECK).what $(CQ500_PINS) | $(CQ_TOOLS)
	$(BIN)/ct-pin --kind sha256 --check '$(CQ500_PINS)'
	@for f in $(CQW)/pins/*.sha256; do [ ! -e "$$f" ] || $(BIN)/ct-pin --kind sha256 --check "$$f" || exit 1; done
	touch '$@'

$(CQZ)/reads.csv: | $(CQ_PIN_CHECK) $(CQ_TOOLS)
	$(STUDY_SH) fetch reads.csv $@ $(CQ500_URL) $(CQ500_PINS) $(CQW)/pins $(DOWNSTREAM_FETCH_FLAGS)

$(CQZ)/CQ500-CT-%.zip: | $(CQ_PIN_CHECK) $(CQ_TOOLS)
	$(CQ_STEP) fetch CQ500-CT-$* '' $(STUDY_SH) fetch CQ500-CT-$*.zip $@ $(CQ500_URL) $(CQ500_PINS) $(CQW)/pins $(DOWNSTREAM_FETCH_FLAGS)

$(CQW)/lists/%.tsv: $(CQZ)/CQ500-CT-%.zip
	$(CQ_STEP) sort CQ500-CT-$* $< $(STUDY_SH) sort $< $(CQW)/unpacked/$* '$(CQW)/series/%SeriesInstanceUID/%SOPInstanceUID.dcm' $@ \
	  $(if $(filter 1,$(KEEP_ARCHIVES)),,$<)

# The barrier: a patient's files may lie in any archive.
$(CQW)/sources.tsv: $(CQ_LISTS) $(CQW)/.settings
	@$(CQ_SH) sources $@ $(CQ_LISTS)

$(CQW)/choice/%.tsv: $(CQW)/sources.tsv
	$(CQ_STEP) choose CQ500-CT-$* $(CQW)/lists/$*.tsv $(CQ_SH) choose $* $@ $(CQ500_MAX_THICKNESS)

$(CQW)/records/%.tsv: $(CQW)/choice/%.tsv $(CQ)/labels.tsv
	$(CQ_STEP) convert CQ500-CT-$* $< $(CQ_SH) convert $* $< $(CQ)/labels.tsv $@
	@[ ! -e $@ ] || echo "ctmake: cq500: CQ500-CT-$* done ($$(ls $(CQW)/records/*.tsv | wc -l) of $(words $(CQ500_IDS)))"

$(CQ)/reads.csv: $(CQZ)/reads.csv
	@mkdir -p $(@D)
	cp $< $@.tmp && mv $@.tmp $@

$(CQ)/labels.tsv: $(CQ)/reads.csv | $(CQ_TOOLS)
	$(BIN)/ct-cq500 $< $@

# Every series of every patient and why one was chosen; every conversion's record.
$(CQ)/series.tsv: $(CQ_CHOICES)
	@$(STUDY_SH) table $@ '' '' $(CQ_CHOICES)

$(CQ)/index.tsv: $(CQ_RECORDS)
	@$(STUDY_SH) table $@ name CQ500-CT- $(CQ_RECORDS)

# The patients with a scan.nrrd (a failed one has no folder), in CT-FM's order.
$(CQ)/datalist.json: $(CQ)/labels.tsv $(CQ)/series.tsv $(CQ)/index.tsv | $(CQ_TOOLS)
	$(BIN)/ct-csv --present $(CQ) --id-column dir $(CQ)/labels.tsv $(CQW)/present.csv
	$(BIN)/ct-datalist table --random-split 0,0,1 --sort-by dir --id name --image '{dir}/scan.nrrd' --int-label label $@ $(CQW)/present.csv
