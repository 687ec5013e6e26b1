# make demo: the whole pre-training pipeline against a local IDC mirror (see tests/demo.sh).
.PHONY: demo
demo: deps
	@$(MAKE) --no-print-directory -f $(TOP)/Makefile all $(TOP)/tests/node_modules/.ctmake-stamp
	@bash $(TOP)/tests/demo.sh
