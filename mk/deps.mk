# make deps: the Debian packages (mk/deps.sh) and the npm packages of the test servers.
.PHONY: deps
deps:
	@$(TOP)/mk/deps.sh

# npm ci only when the lock file changed since the last install.
$(TOP)/tests/node_modules/.ctmake-stamp: $(TOP)/tests/package-lock.json
	cd $(TOP)/tests && npm ci --no-audit --no-fund --loglevel=error
	@touch $@
