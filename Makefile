# ctmake: rebuild the CT-FM datasets with Make.
#
# This file holds the entry points only; the rules live in mk/*.mk:
#   mk/build.mk     compile lib/ and cmd/ into bin/
#   mk/deps.mk      install the Debian packages the build and the tests need
#   mk/test.mk      make check
#   mk/pretrain.mk  make pretrain-data (IDC → verified DICOM → NRRD → scan_list.pkl)
#   mk/manifest.mk  make manifest (CT-FM's BigQuery query → the manifest CSV)
#   mk/bench.mk     make bench
#   mk/demo.mk      make demo
#   mk/fuzz.mk      make fuzz (libFuzzer harnesses of tests/fuzz/)
# Run `make help` for the list of targets and variables.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

TOP := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))

# What a user may set on the command line (README.md, "Variables").
DATA           ?= $(CURDIR)/data
override DATA  := $(abspath $(DATA))
IDC_ENDPOINT   ?= https://s3.amazonaws.com
ZENODO_URL     ?= https://zenodo.org
MSD_URL        ?= https://msd-for-monai.s3-us-west-2.amazonaws.com
GITHUB_RAW_URL ?= https://raw.githubusercontent.com
KEEP_DICOM     ?= link
KEEP_ARCHIVES  ?= 0

include $(TOP)/mk/build.mk
include $(TOP)/mk/deps.mk
include $(TOP)/mk/test.mk
include $(TOP)/mk/demo.mk
include $(wildcard $(TOP)/mk/pretrain.mk $(TOP)/mk/manifest.mk $(TOP)/mk/downstream*.mk $(TOP)/mk/slurm.mk $(TOP)/mk/status.mk)
include $(TOP)/mk/bench.mk
include $(TOP)/mk/fuzz.mk

# make help: the targets table of README.md, one line each.
.PHONY: help
help:
	@sed -n 's/^| `make \([^`]*\)` | \([^|]*\) |.*/  make \1\t\2/p' $(TOP)/README.md | expand -t 40
	@echo "variables and details: README.md"
