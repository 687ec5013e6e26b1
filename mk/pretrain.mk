# make pretrain-data: CT-FM's pre-training scans from the Imaging Data Commons, under DATA/pretrain.
# One rule a step; the per-scan steps are mk/idc.mk's (its first screen draws them).

P         := $(DATA)/pretrain
MANIFEST  ?= $(P)/ct-fm-manifest.txt
$(call no_blanks,MANIFEST)
override MANIFEST := $(abspath $(MANIFEST))
# The scans a run covers, its plan: all, the first LIMIT, shard SHARD=i/n of those.
SELECTION := all$(if $(LIMIT),-first$(LIMIT))$(if $(SHARD),-shard$(subst /,of,$(SHARD)))
PLAN      := $(P)/plans/$(SELECTION)

# 1. The manifest: CT-FM's own (unless MANIFEST names another), verified by its git blob id.
$(P)/ct-fm-manifest.txt: | $(BIN)/ct-fetch
	@mkdir -p $(@D)
	$(BIN)/ct-fetch $(FETCH_FLAGS) --url $(CTFM_MANIFEST_URL) --sha1-gitblob $(CTFM_MANIFEST_PIN) $@

# 2. The plan: every scan of the selection named before the first download (PLAN.mk for Make,
#    PLAN.tsv for ct-index and ct-status).
$(PLAN).mk $(PLAN).tsv &: $(MANIFEST) $(PLAN).manifest | $(BIN)/ct-plan
	$(BIN)/ct-plan $(if $(LIMIT),--limit $(LIMIT)) $(if $(SHARD),--shard $(SHARD)) --tsv $(PLAN).tsv -o $(PLAN).mk $(MANIFEST)

# 3. Per scan: dicom/<uuid>/.verified (ct-fetch), then records/<uuid>.tsv and scan.nrrd (ct-sort,
#    ct-convert); 4. scan_list.pkl, index.tsv and failed.tsv (ct-index). A failed scan stops
#    make; under make -k every other scan finishes, the index is written all the same, and make
#    exits non-zero. The same command again retries exactly the scans not done.
ifeq ($(SHARD),)
pretrain-data: $(PLAN).mk $(PLAN).tsv | $(IDC_TOOLS)
	+@$(call idc_make,$(P),$(PLAN),idc-index)
else
pretrain-data: pretrain-shard
endif

# One machine's (or Slurm task's) share, SHARD=i/n: its scans only, failing unless every one is
# done. Once every shard is: make pretrain-index.
pretrain-shard: $(PLAN).mk $(PLAN).tsv | $(IDC_TOOLS)
	+@$(call idc_make,$(P),$(PLAN),idc-scans)
	$(if $(SHARD),@echo "ctmake: shard $(SHARD) done (once every shard is: make pretrain-index)")
pretrain-index: $(PLAN).mk $(PLAN).tsv | $(IDC_TOOLS)
	+@$(call idc_make,$(P),$(PLAN),idc-index-as-is)
pretrain-plan: $(PLAN).mk $(PLAN).tsv

# ---- the settings behind the rules ------------------------------------------------------------

CTFM_COMMIT       := f58c89a75ff0270ba6e339027e40bf04a221735d
CTFM_MANIFEST_URL  = $(GITHUB_RAW_URL)/project-lighter/CT-FM/$(CTFM_COMMIT)/notebooks/data-download/manifest.txt
CTFM_MANIFEST_PIN  = $(firstword $(file <$(CHECKSUMS)/ct-fm-manifest.gitblob))
GCS_ENDPOINT      ?= https://storage.googleapis.com
FETCH_JOBS        ?= 16
# Extra ct-fetch options for every download of the set, the manifest's too (--retries N, --cacert FILE).
FETCH_FLAGS       ?=

PRETRAIN_GOALS := pretrain-data pretrain-shard pretrain-index pretrain-plan
.PHONY: $(PRETRAIN_GOALS)
ifneq ($(filter $(PRETRAIN_GOALS),$(MAKECMDGOALS)),)
# The plan is remade when the manifest's path changes, not only its content.
$(call setting,$(PLAN).manifest,$(MANIFEST))
# What the index and `make status` cover: the last selection run without SHARD (shards of a
# cluster run all belong to the unsharded plan).
$(if $(SHARD),,$(call setting,$(P)/.selection,$(SELECTION) $(MANIFEST)))
endif
