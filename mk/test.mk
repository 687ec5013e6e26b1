# make check: install what is missing, build, run every test with prove.
# Unit tests (tests/unit/*.c, compiled to build/unit/*.t) and end-to-end shell tests
# (tests/t/*.t) all speak TAP; the fuzz replays (mk/fuzz.mk) are built first too.
# TESTS=… picks a subset, e.g. make check TESTS=tests/t/2*.t
TESTS ?= $(sort $(wildcard $(TOP)/tests/t/*.t))
PROVE_JOBS ?= 2

.PHONY: check test units
check: deps
	@$(MAKE) --no-print-directory -f $(TOP)/Makefile test

test: all $(UNITS) $(TOP)/tests/node_modules/.ctmake-stamp
	prove --exec '' --jobs $(PROVE_JOBS) --timer $(UNITS) $(TESTS)
