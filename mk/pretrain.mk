# make pretrain-data: CT-FM's pre-training scans from the Imaging Data Commons.
#
#   MANIFEST ──ct-plan──▶ plans/<selection>.mk, .tsv           (every scan named before any download)
#   per scan <uuid>:
#     dicom/<uuid>/.verified   ◀─ct-fetch──  s3://BUCKET/<uuid>/  (every object MD5-verified)
#     dicom/<uuid>/.scandir    ◀─ct-sort───  links into scans/<collection>/<PatientID>/<Study>/<Series>/
#     records/<uuid>.tsv       ◀─ct-convert─ scan.nrrd beside the DICOM, and its metadata row
#   (sort and convert are one Make target: two targets a scan)
#   scan_list.pkl, index.tsv, failed.tsv ◀─ct-index── every record of the plan
#
# Everything lives under $(DATA)/pretrain. Targets are files named by the series UUID, so Make
# knows both targets of every scan before the first byte arrives; the file-level incrementality
# (resume, never fetch a verified byte twice) lives inside ct-fetch. Why not one target per
# DICOM file: see README.md, "Why scans, not files, are the targets".

P := $(DATA)/pretrain
CTFM_COMMIT  := f58c89a75ff0270ba6e339027e40bf04a221735d
CTFM_MANIFEST_URL = $(GITHUB_RAW_URL)/project-lighter/CT-FM/$(CTFM_COMMIT)/notebooks/data-download/manifest.txt
CTFM_MANIFEST_PIN ?= $(firstword $(file <$(TOP)/checksums/ct-fm-manifest.gitblob))
MANIFEST     ?= $(P)/ct-fm-manifest.txt
override MANIFEST := $(abspath $(MANIFEST))
GCS_ENDPOINT ?= https://storage.googleapis.com
FETCH_JOBS   ?= 16

# The scans a run covers: all, the first LIMIT, shard SHARD=i/n of those.
SELECTION := all$(if $(LIMIT),-first$(LIMIT))$(if $(SHARD),-shard$(subst /,of,$(SHARD)))
PLAN      := $(P)/plans/$(SELECTION)

PRETRAIN_GOALS := pretrain-data pretrain-shard pretrain-index pretrain-plan
ifneq ($(filter $(PRETRAIN_GOALS),$(MAKECMDGOALS)),)

# remember FILE,VALUE: keep VALUE in FILE, touching it only when VALUE changes, so targets that
# depend on FILE are remade exactly when the value (a manifest path, a selection) changes.
remember = $(shell mkdir -p $(dir $1) && { printf '%s\n' '$2' | cmp -s - $1 || printf '%s\n' '$2' > $1; })
$(call remember,$(PLAN).manifest,$(MANIFEST))
# What the index and `make status` cover: the last selection run without SHARD (shards of a
# cluster run all belong to the unsharded plan).
$(if $(SHARD),,$(call remember,$(P)/.selection,$(SELECTION) $(MANIFEST)))

-include $(PLAN).mk
RECORDS := $(CT_SCANS:%=$(P)/records/%.tsv)
VERIFIED := $(CT_SCANS:%=$(P)/dicom/%/.verified)
# For the progress lines: how many of this selection's scans were done before this run started.
DONE_BEFORE := $(words $(wildcard $(RECORDS)))
SCAN_COUNT  := $(words $(CT_SCANS))
endif

KEEP_GOING = $(findstring k,$(firstword -$(MAKEFLAGS)))
SORT_MODE  = $(if $(filter copy keep,$(KEEP_DICOM)),--copy)
endpoints  = $(foreach e,$(if $(filter gs://%,$(CT_URL.$1)),$(GCS_ENDPOINT),$(IDC_ENDPOINT)),--endpoint $(e))

# STEP NAME UUID PREREQ COMMAND: one step of one scan, logged; a failure is recorded in
# failed/<uuid>.tsv and, under make -k, lets every other scan go on (see mk/step.sh).
STEP = @sh $(TOP)/mk/step.sh $(P) '$(KEEP_GOING)'

.PHONY: $(PRETRAIN_GOALS)
pretrain-plan: $(PLAN).mk
pretrain-data: $(if $(SHARD),pretrain-shard,$(P)/scan_list.pkl)
# Under make -k a failed scan's steps "succeed" (mk/step.sh): fail here, so a shard (a Slurm task)
# that did not finish every scan of its plan says so by its exit status.
pretrain-shard: $(RECORDS)
	@left=$$(sh $(TOP)/mk/plan-left.sh $(PLAN).tsv $(P)); \
	if [ "$$left" -gt 0 ]; then echo "ctmake: $(SELECTION): $$left scans not done (why: $(P)/failed/)" >&2; exit 1; fi
	$(if $(SHARD),@echo "ctmake: shard $(SHARD) done (once every shard is: make pretrain-index)")
pretrain-index: | $(BIN)/ct-index
	$(BIN)/ct-index --plan $(PLAN).tsv $(P)

# The default manifest is CT-FM's own, verified by its git blob id.
$(P)/ct-fm-manifest.txt: | $(BIN)/ct-fetch
	@mkdir -p $(@D)
	$(BIN)/ct-fetch --url $(CTFM_MANIFEST_URL) --sha1-gitblob $(CTFM_MANIFEST_PIN) $@

$(PLAN).mk $(PLAN).tsv &: $(MANIFEST) $(PLAN).manifest | $(BIN)/ct-plan
	$(BIN)/ct-plan $(if $(LIMIT),--limit $(LIMIT)) $(if $(SHARD),--shard $(SHARD)) --tsv $(PLAN).tsv -o $(PLAN).mk $(MANIFEST)

$(VERIFIED): $(P)/dicom/%/.verified: | $(BIN)/ct-fetch
	$(STEP) fetch $* '' $(BIN)/ct-fetch --jobs $(FETCH_JOBS) $(call endpoints,$*) $(CT_URL.$*) $(@D)

# Sorting and converting share one target: two Make targets a scan, not three, keep GNU Make's
# graph of 148,394 scans within 1 GB (bench/scale.md). dicom/<uuid>/.scandir, the sorted
# directory, is still a named file between the two steps. Each step first removes what a killed
# earlier attempt of the same step may have left (temporaries of its atomic writes): only one
# recipe ever works on a scan, so nothing live is removed.
$(RECORDS): $(P)/records/%.tsv: $(P)/dicom/%/.verified | $(BIN)/ct-sort $(BIN)/ct-convert $(BIN)/ct-status
	$(STEP) sort $* $< "rm -f $(<D)/.scandir $(<D)/.scandir.tmp $(<D)/.sort-list.tsv.tmp.* && $(BIN)/ct-sort $(SORT_MODE) --keep-chars . \
	  --list $(<D)/.sort-list.tsv $(<D) \
	  '$(P)/scans/$(CT_COLL.$*)/%PatientID/%StudyInstanceUID/%SeriesInstanceUID/%SOPInstanceUID.dcm' \
	  && sh $(TOP)/mk/scandir.sh $(<D)/.sort-list.tsv $(<D)/.scandir"
	$(STEP) convert $* $(<D)/.scandir 'mkdir -p $(@D) && d=$$(cat $(<D)/.scandir) \
	  && rm -f "$$d"/*.tmp.* $@.meta $@.meta.tmp.* && $(BIN)/ct-convert "$$d" "$$d/scan.nrrd" \
	  --meta $@.meta $(if $(filter drop,$(KEEP_DICOM)),&& sh $(TOP)/mk/drop-dicom.sh $(<D)) && mv $@.meta $@'
	@[ ! -e $@ ] || $(BIN)/ct-status --done $* --run $(SELECTION) --total $(SCAN_COUNT) --before $(DONE_BEFORE) $(P)

# The index is written even when some scans failed (ct-index then exits 1): keep it.
.PRECIOUS: $(P)/scan_list.pkl
$(P)/scan_list.pkl: $(RECORDS) $(PLAN).tsv $(P)/.selection | $(BIN)/ct-index
	$(BIN)/ct-index --plan $(PLAN).tsv $(P)

# Each make run names itself, so ct-status can tell this run's rate from earlier runs'.
export CT_RUN := $(shell date +%s%N)-$(SHARD)
