# ctmake: rebuild the CT-FM datasets with Make.
#
# This file holds the entry points only; the rules live in mk/*.mk:
#   mk/build.mk     compile lib/ and cmd/ into bin/
#   mk/deps.mk      install the Debian packages the build and the tests need
#   mk/test.mk      make check
#   mk/pretrain.mk  make pretrain-data (IDC → verified DICOM → NRRD → scan_list.pkl)
#   mk/bench.mk     make bench
#   mk/demo.mk      make demo
# Run `make help` for the list of targets and variables.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

TOP := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))

include $(TOP)/mk/build.mk
include $(TOP)/mk/deps.mk
include $(TOP)/mk/test.mk
include $(TOP)/mk/demo.mk
include $(wildcard $(TOP)/mk/pretrain.mk $(TOP)/mk/downstream*.mk $(TOP)/mk/slurm.mk $(TOP)/mk/status.mk)
include $(TOP)/mk/bench.mk

.PHONY: help
help:
	@sed -n '/^## /s/^## //p' $(TOP)/README.md 2>/dev/null || true
	@echo "targets: all install demo check pretrain-data status bench (see README.md)"
