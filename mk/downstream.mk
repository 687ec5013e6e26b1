# mk/downstream.mk: what the downstream datasets (mk/downstream-<name>.mk) share. Each of those
# includes this file first (the wildcard in the top Makefile may order them before it).
ifndef CT_DOWNSTREAM_MK
CT_DOWNSTREAM_MK := 1

DOWNSTREAM := $(DATA)/downstream
# Downloads, verified, kept only while needed (KEEP_ARCHIVES=1 keeps them).
ARCHIVES   := $(DOWNSTREAM)/.archives
# The MSD tasks' folder: downstream-msd makes it, downstream-3dmir reads it.
MSD        := $(DOWNSTREAM)/msd

# $(call downstream_goal,NAME): non-empty when this run was asked for downstream-NAME or a file
# of it. Generated makefiles and settings files are only made then, so `make check` or
# `make pretrain-data` never starts a downstream download.
downstream_goal = $(filter downstream-$1 $(DOWNSTREAM)/$1/%,$(MAKECMDGOALS))

# Every pin of a target is checked before the first byte of any of its downloads: each download
# of SET waits (order-only) for $(call pin_stamp,SET), which SET's check recipe (ct-pin --check
# over every pin SET needs) makes; a missing or malformed pin stops the target with nothing
# fetched. The stamp is redone when the pin files, or which ones are used ($(call pin_stamp,SET).what,
# a setting), change.
pin_stamp = $(ARCHIVES)/.pins-$1

# After unpacking: the archive goes unless KEEP_ARCHIVES=1. Archives are listed in .SECONDARY,
# so a removed one is not fetched again while what was unpacked from it is up to date.
drop_archive = $(if $(filter 1,$(KEEP_ARCHIVES)),,rm -f '$1')

# Extra ct-fetch options for the downstream downloads (e.g. --retries N, --cacert FILE).
DOWNSTREAM_FETCH_FLAGS ?=
FETCH_URL = $(BIN)/ct-fetch $(DOWNSTREAM_FETCH_FLAGS) --url

# $(call zenodo_fetch,RECORD_TSV,FILE): the file a `ct-zenodo` record line names, verified.
zenodo_fetch = $(FETCH_URL) "$$(cut -f4 '$1')" --md5 "$$(cut -f3 '$1')" '$2'

# The steps the sets of DICOM studies (CQ500, SinoCT) share (mk/study.sh). Each command of a
# study's steps logs and records its own failure (lib/step.h: --log, --failed).
STUDY_SH = sh $(TOP)/mk/study.sh $(BIN)

# The recipe line of one study's steps starts with $(item_may_fail). Under make -k a study that
# fails must not stop the tables over every study (nor CQ500's barrier over every archive): Make
# ignores its error (saying "Error 1 (ignored)"), the study's target stays absent, so the next run
# retries exactly it, and the set's own target then fails naming every study not done. Without
# -k the first failure stops make.
item_may_fail = $(if $(KEEP_GOING),-)

DOWNSTREAM_TOOLS := $(addprefix $(BIN)/,ct-fetch ct-pin ct-zenodo ct-unpack ct-csv ct-datalist ct-labelmap ct-npz ct-3dmir)

endif
