# make bench: side-by-side benchmarks against the tools ctmake replaces (bench/README.md).
BENCHES := $(patsubst $(TOP)/bench/%.sh,bench-%,$(filter-out %/lib.sh,$(wildcard $(TOP)/bench/*.sh)))
.PHONY: bench $(BENCHES)
bench: $(BENCHES)
$(BENCHES): bench-%: all $(TOP)/tests/node_modules/.ctmake-stamp
	bash $(TOP)/bench/$*.sh
