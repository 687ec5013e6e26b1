# mk/lib.mk: the helpers every makefile here shares (included first by the Makefile, and by
# mk/idc.mk, which runs as a make of its own).
ifndef CT_LIB_MK
CT_LIB_MK := 1

# This run's single-letter flags (MAKEFLAGS' first word: "kns", ...).
MAKE_LETTERS := $(firstword -$(MAKEFLAGS))
# make -k: every other target goes on after a failure.
KEEP_GOING   := $(findstring k,$(MAKE_LETTERS))
# make -n, -q, -t: nothing may be written, not even by $(shell) at parse time.
DRY_RUN      := $(findstring n,$(MAKE_LETTERS))$(findstring q,$(MAKE_LETTERS))$(findstring t,$(MAKE_LETTERS))

# $(call shq,WORD): WORD quoted for sh.
shq = '$(subst ','\'',$1)'

# $(call setting,FILE,VALUE): FILE holds VALUE and is rewritten only when VALUE changed, so a
# target depending on FILE is remade exactly when a setting (a path, a selection; not a file)
# changed. Under make -n/-q/-t nothing is written: a FILE that would change depends on
# ctmake-changed instead, so the targets depending on it show as out of date.
setting = $(if $(DRY_RUN),$(if $(shell printf '%s\n' $(call shq,$2) | cmp -s - $(call shq,$1) || echo x),\
  $(eval $1: ctmake-changed)),\
  $(shell mkdir -p $(call shq,$(dir $1)) && { printf '%s\n' $(call shq,$2) | cmp -s - $(call shq,$1) || \
    printf '%s\n' $(call shq,$2) > $(call shq,$1); }))
.PHONY: ctmake-changed
ctmake-changed: ;

# $(call no_blanks,VARIABLE): stop, before anything is written, when the variable's value holds
# a space or a tab: Make splits such a path into words (DATA="/x/with space" would be the two
# paths /x/with and ./space).
no_blanks = $(if $(filter-out 1,$(words $($1))),$(error $1="$($1)": a path with a space or a tab \
  cannot be a Make target; choose one without (or a symbolic link to it)))

endif
