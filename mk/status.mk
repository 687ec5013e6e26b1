# make status: how far each dataset under DATA is (ct-status), also while runs are going.
.PHONY: status
status: | $(BIN)/ct-status
	@$(BIN)/ct-status $(DATA)
