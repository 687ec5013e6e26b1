# make fuzz: the libFuzzer harnesses of tests/fuzz/ (one a parser: tests/fuzz/README.md), built
# with clang, ASan and UBSan into build/fuzz/, each run FUZZ_SECONDS under its memory limits over
# a corpus seeded from the test fixtures (mk/fuzz.sh). Fails on any crash, leak, hang or
# allocation above a harness's bound; the inputs are kept in build/fuzz/findings/.
# FUZZERS=... picks some; FUZZ_SECONDS=1800 is the long run of tests/fuzz/README.md.
#
# make check builds the same harnesses with the normal compiler (build/fuzz-replay/NAME, with
# tests/fuzz/replay.c for main) and test 1300 replays tests/fuzz/regress/NAME/* through them.

FUZZ_CC      ?= clang-14
FUZZ_CXX     ?= clang++-14
FUZZ_SECONDS ?= 10
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_SRC     := $(TOP)/tests/fuzz
FUZZ_FLAGS   := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
ALL_FUZZERS  := $(filter-out fuzz replay,$(patsubst $(FUZZ_SRC)/%.c,%,$(wildcard $(FUZZ_SRC)/*.c)))
FUZZERS      ?= $(ALL_FUZZERS)

FUZZ_LIB_OBJ := $(LIB_C:$(TOP)/lib/%.c=$(FUZZ_DIR)/lib/%.o) $(LIB_CC:$(TOP)/lib/%.cc=$(FUZZ_DIR)/lib/%.o)
FUZZ_BINS    := $(ALL_FUZZERS:%=$(FUZZ_DIR)/bin/%)
.SECONDARY: $(ALL_FUZZERS:%=$(FUZZ_DIR)/harness/%.o) $(FUZZ_DIR)/harness/fuzz.o
FUZZ_REPLAYS := $(ALL_FUZZERS:%=$(BUILD)/fuzz-replay/%)

.PHONY: fuzz fuzz-build
fuzz: fuzz-build
	@sh $(TOP)/mk/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZERS)
fuzz-build: check-build-deps $(FUZZ_BINS)

# The library again, instrumented for coverage (fuzzer-no-link) and the sanitizers.
$(FUZZ_DIR)/lib/%.o: $(TOP)/lib/%.c | $(FUZZ_DIR)/lib
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -I$(NIFTI_INC) -c -o $@ $<
$(FUZZ_DIR)/lib/%.o: $(TOP)/lib/%.cc | $(FUZZ_DIR)/lib
	$(FUZZ_CXX) $(CPPFLAGS) -std=c++14 $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -isystem $(GDCM_INC) -c -o $@ $<
$(FUZZ_DIR)/libct.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^
$(FUZZ_DIR)/harness/%.o: $(FUZZ_SRC)/%.c $(FUZZ_SRC)/fuzz.h | $(FUZZ_DIR)/harness
	$(FUZZ_CC) $(CPPFLAGS) -I$(FUZZ_SRC) -I$(NIFTI_INC) -std=c11 $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c -o $@ $<
# Linked by the C++ driver: UBSan's C++ runtime (vptr checks in the GDCM shim) comes with it.
$(FUZZ_BINS): $(FUZZ_DIR)/bin/%: $(FUZZ_DIR)/harness/%.o $(FUZZ_DIR)/harness/fuzz.o $(FUZZ_DIR)/libct.a | $(FUZZ_DIR)/bin
	$(FUZZ_CXX) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# The replays: the normal compiler and flags (SAN=1 included), the normal library.
$(FUZZ_REPLAYS): $(BUILD)/fuzz-replay/%: $(FUZZ_SRC)/%.c $(FUZZ_SRC)/fuzz.c $(FUZZ_SRC)/replay.c $(FUZZ_SRC)/fuzz.h $(BUILD)/libct.a $(BUILD)/flags | $(BUILD)/fuzz-replay
	$(CC) $(CPPFLAGS) -I$(FUZZ_SRC) -I$(NIFTI_INC) $(filter-out -std=c11 -MMD -MP,$(CFLAGS)) -std=c11 $(LDFLAGS) \
	  -o $@ $< $(FUZZ_SRC)/fuzz.c $(FUZZ_SRC)/replay.c $(BUILD)/libct.a $(LDLIBS)

$(FUZZ_DIR)/lib $(FUZZ_DIR)/bin $(FUZZ_DIR)/harness $(BUILD)/fuzz-replay:
	mkdir -p $@

# make check replays the regression inputs (test 1300).
test: $(FUZZ_REPLAYS)
