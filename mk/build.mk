# Build: every lib/*.c (and the one C++ GDCM shim, lib/*.cc) into build/libct.a,
# every cmd/NAME.c into bin/NAME, every tests/unit/NAME.c into build/unit/NAME.t.
# New files are picked up by wildcard: adding a command or a module needs no edit here.

CC      ?= cc
CXX     ?= c++
PKG_CONFIG ?= pkg-config
PREFIX  ?= /usr/local
BUILD   := $(TOP)/build
BIN     := $(TOP)/bin

# Libraries with a pkg-config file.
PKGS := libcurl libcrypto expat libarchive jansson libdeflate zlib

# GDCM ships no .pc file: name its headers and libraries, and say so clearly when missing.
GDCM_INC  ?= $(firstword $(wildcard /usr/include/gdcm-3.*))
GDCM_LIBS ?= -lgdcmMSFF -lgdcmDICT -lgdcmDSED -lgdcmCommon
# nifti_clib (libnifti2-dev) ships no .pc file either.
NIFTI_INC ?= /usr/include/nifti
NIFTI_LIBS ?= -lnifti2 -lznz -lm
# libcsv (CSV manifests and tables) ships no .pc file.
CSV_LIBS ?= -lcsv

OPT   ?= -O2 -g
WARN  := -Wall -Wextra
ifeq ($(SAN),1)
OPT   := -O1 -g -fno-omit-frame-pointer
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

CPPFLAGS += -I$(TOP)/lib -D_GNU_SOURCE
CFLAGS   += -std=c11 $(OPT) $(WARN) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP
CXXFLAGS += -std=c++14 $(OPT) $(WARN) $(SANFLAGS) -isystem $(GDCM_INC) -MMD -MP
LDFLAGS  += $(SANFLAGS)
LDLIBS   += $(PKG_LIBS) $(GDCM_LIBS) $(NIFTI_LIBS) $(CSV_LIBS) -lpthread -lstdc++

LIB_C   := $(wildcard $(TOP)/lib/*.c)
LIB_CC  := $(wildcard $(TOP)/lib/*.cc)
LIB_OBJ := $(LIB_C:$(TOP)/lib/%.c=$(BUILD)/lib/%.o) $(LIB_CC:$(TOP)/lib/%.cc=$(BUILD)/lib/%.o)
CMDS    := $(patsubst $(TOP)/cmd/%.c,$(BIN)/%,$(wildcard $(TOP)/cmd/*.c))
UNITS   := $(patsubst $(TOP)/tests/unit/%.c,$(BUILD)/unit/%.t,$(wildcard $(TOP)/tests/unit/*.c))

# Objects depend on the flags they were built with, so `make SAN=1` after `make` rebuilds everything.
FLAGS_NOW := $(CC) $(CXX) $(CPPFLAGS) $(CFLAGS) $(CXXFLAGS) $(LDFLAGS)
$(call setting,$(BUILD)/flags,$(FLAGS_NOW))

.PHONY: all install clean check-build-deps
all: check-build-deps $(CMDS)

check-build-deps:
	@$(PKG_CONFIG) --exists $(PKGS) || { echo "ctmake: missing development packages for: $$($(PKG_CONFIG) --print-errors --exists $(PKGS) 2>&1 | head -3). Run 'make deps'." >&2; exit 1; }
	@test -n "$(GDCM_INC)" -a -f "$(GDCM_INC)/gdcmReader.h" || { echo "ctmake: GDCM headers not found (looked for /usr/include/gdcm-3.*). Run 'make deps' (Debian package libgdcm-dev)." >&2; exit 1; }
	@test -f /usr/include/csv.h || { echo "ctmake: libcsv headers not found. Run 'make deps' (Debian package libcsv-dev)." >&2; exit 1; }
	@test -f "$(NIFTI_INC)/nifti2_io.h" || { echo "ctmake: nifti_clib headers not found in $(NIFTI_INC). Run 'make deps' (Debian package libnifti2-dev)." >&2; exit 1; }

$(BUILD)/libct.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/lib/%.o: $(TOP)/lib/%.c $(BUILD)/flags | $(BUILD)/lib
	$(CC) $(CPPFLAGS) $(CFLAGS) -I$(NIFTI_INC) -c -o $@ $<

$(BUILD)/lib/%.o: $(TOP)/lib/%.cc $(BUILD)/flags | $(BUILD)/lib
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

$(BUILD)/cmd/%.o: $(TOP)/cmd/%.c $(BUILD)/flags | $(BUILD)/cmd
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BIN)/%: $(BUILD)/cmd/%.o $(BUILD)/libct.a | $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit/%.o: $(TOP)/tests/unit/%.c $(BUILD)/flags | $(BUILD)/unit
	$(CC) $(CPPFLAGS) -I$(TOP)/tests/unit $(CFLAGS) -c -o $@ $<

$(BUILD)/unit/%.t: $(BUILD)/unit/%.o $(BUILD)/libct.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/lib $(BUILD)/cmd $(BUILD)/unit $(BIN):
	mkdir -p $@

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(CMDS) $(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf $(BUILD) $(BIN)

-include $(wildcard $(BUILD)/*/*.d)

# Keep objects between builds (Make would otherwise delete them as intermediates).
.SECONDARY: $(CMDS:$(BIN)/%=$(BUILD)/cmd/%.o) $(UNITS:%.t=%.o)
