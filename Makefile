# ctmake: rebuild the CT-FM datasets with Make. `make help` lists the targets and variables.
#
# The pre-training set, `make pretrain-data`, under DATA/pretrain (mk/pretrain.mk; the per-scan
# part is mk/idc.mk, shared by every IDC-sourced set). Every intermediate is a named file:
#
#   MANIFEST                     CT-FM's manifest.txt (pinned by its git blob id) or yours
#    └─ct-plan──▶ plans/<selection>.mk, .tsv        every scan named before any download
#        per scan <uuid>, two Make targets:
#        └─ct-fetch───▶ dicom/<uuid>/.verified      every object of s3://BUCKET/<uuid>/, MD5-verified
#          └─ct-sort────▶ dicom/<uuid>/.scandir     hard links: scans/<collection>/<PatientID>/<Study>/<Series>/
#            └─ct-convert─▶ records/<uuid>.tsv      and scan.nrrd in that folder
#    └─ct-index─▶ scan_list.pkl, index.tsv, failed.tsv   over every record of the plan
#   beside them: failed/<uuid>.tsv (why a step failed), logs/<uuid>.log (every step, every attempt)
#
# The downstream sets, `make downstream-<name>`: mk/downstream-<name>.mk. The commands in bin/:
# mk/build.mk. Tests, demo, benchmarks, status, Slurm: mk/test.mk, demo.mk, bench.mk,
# status.mk, slurm.mk; `make fuzz` (libFuzzer harnesses of tests/fuzz/): mk/fuzz.mk. CT-FM's
# BigQuery query as a manifest, `make manifest`: mk/manifest.mk. Shared helpers: mk/lib.mk.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

TOP := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
include $(TOP)/mk/lib.mk

# What a user may set on the command line (README.md, "Variables").
DATA           ?= $(CURDIR)/data
$(call no_blanks,DATA)
override DATA  := $(abspath $(DATA))
IDC_ENDPOINT   ?= https://s3.amazonaws.com
ZENODO_URL     ?= https://zenodo.org
MSD_URL        ?= https://msd-for-monai.s3-us-west-2.amazonaws.com
GITHUB_RAW_URL ?= https://raw.githubusercontent.com
KEEP_DICOM     ?= link
KEEP_ARCHIVES  ?= 0
# The pins: the expected digest of every remote input.
CHECKSUMS      ?= $(TOP)/checksums

include $(TOP)/mk/build.mk
include $(TOP)/mk/deps.mk
include $(TOP)/mk/test.mk
include $(TOP)/mk/demo.mk
include $(TOP)/mk/idc.mk
include $(wildcard $(TOP)/mk/pretrain.mk $(TOP)/mk/manifest.mk $(TOP)/mk/downstream*.mk $(TOP)/mk/slurm.mk $(TOP)/mk/status.mk)
include $(TOP)/mk/bench.mk
include $(TOP)/mk/fuzz.mk

# make help: the targets table of README.md, one line each.
.PHONY: help
help:
	@sed -n 's/^| `make \([^`]*\)` | \([^|]*\) |.*/  make \1\t\2/p' $(TOP)/README.md | expand -t 40
	@echo "variables and details: README.md"
