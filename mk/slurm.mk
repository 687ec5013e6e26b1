# make slurm-pretrain-data SHARDS=N [SLURM_ARGS="…"]: make pretrain-data on a Slurm cluster.
#
#   on the login node:  build bin/; write the plan of the whole selection, then the plan of each
#                       of its N shards (so jobs only read plans: no two jobs write one file)
#   array job, N tasks: task i runs  make -k -j<its cpus> pretrain-shard SHARD=i/N
#   index job:          make pretrain-index, once every task succeeded (afterok); a failed task
#                       cancels it (--kill-on-invalid-dep=yes) rather than leaving it pending
#
# DATA must be on a file system every node sees, and this checkout too (the jobs run its bin/).
# After failures or preemption, the same command again: every shard redoes only its unfinished
# scans. The submission itself is mk/slurm-submit.sh.

SHARDS     ?=
SLURM_ARGS ?=

# What the jobs' make gets on its command line, with this run's values (DATA and MANIFEST are
# absolute by now): the pipeline's variables, and any other variable set on this command line.
SLURM_PASS := DATA MANIFEST IDC_ENDPOINT GCS_ENDPOINT GITHUB_RAW_URL LIMIT KEEP_DICOM FETCH_JOBS FETCH_FLAGS
SLURM_PASS += $(filter-out SHARDS SLURM_ARGS $(SLURM_PASS),\
  $(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $v)),$v)))

ifneq ($(filter slurm-pretrain-data,$(MAKECMDGOALS)),)
ifneq ($(shell [ "$(SHARDS)" -ge 1 ] 2>/dev/null && echo yes),yes)
$(error SHARDS=N (a number, 1 or more) is required: make slurm-pretrain-data SHARDS=N)
endif
ifneq ($(SHARD),)
$(error SHARD=i/n is one machine's share; slurm-pretrain-data gives each task its own)
endif
endif

# The submission names shard i's plan table as pretrain.mk does, $(PLAN)-shard<i>of<N>.tsv
# (PLAN here is the whole selection's: SHARD is unset), to queue only shards with work left.
.PHONY: slurm-pretrain-data slurm-plan-all
slurm-pretrain-data: slurm-plan-all $(if $(SHARDS),$(foreach i,$(shell seq 1 $(SHARDS)),slurm-plan-$i))
	@bash $(TOP)/mk/slurm-submit.sh $(call shq,$(TOP)) $(call shq,$(DATA)) $(SHARDS) \
	  $(call shq,$(subst %,%%,$(PLAN))-shard%dof$(SHARDS).tsv) $(call shq,$(SLURM_ARGS)) \
	  $(foreach v,$(SLURM_PASS),$(call shq,$v=$($v)))

# The whole selection's plan first (it also fetches the default manifest), then each shard's;
# `make -j` plans shards in parallel. Each plan is pretrain.mk's own target, made by a sub-make
# because pretrain.mk reads the selection (SHARD) when it is parsed.
slurm-plan-all: all
	@$(MAKE) -s --no-print-directory pretrain-plan SHARD=
slurm-plan-%: slurm-plan-all
	@$(MAKE) -s --no-print-directory pretrain-plan SHARD=$*/$(SHARDS)
