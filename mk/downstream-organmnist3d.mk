# make downstream-organmnist3d: both OrganMNIST3D npz (28³ and 64³), verified, one NRRD per
# sample under DATA/downstream/organmnist3d/{28,64}/<split>/, labels.tsv and a datalist per size,
# and datalist.json over the 64³ set (what CT-FM uses).
include $(TOP)/mk/downstream.mk

ORGANMNIST3D_RECORD ?= 10519652
ORGANMNIST3D_PINS   ?= $(CHECKSUMS)/organmnist3d.md5
OMN := $(DOWNSTREAM)/organmnist3d
# The remote name of the npz of one size.
omn_file = $(if $(filter 28,$1),organmnist3d.npz,organmnist3d_$1.npz)

.PHONY: downstream-organmnist3d
downstream-organmnist3d: $(OMN)/datalist.json

# Pattern-made files Make would otherwise delete as intermediates.
.SECONDARY: $(foreach s,28 64,$(ARCHIVES)/organmnist3d-$(s).npz $(ARCHIVES)/organmnist3d-$(s).tsv $(OMN)/$(s)/labels.tsv)

$(ARCHIVES)/organmnist3d-%.tsv: | $(DOWNSTREAM_TOOLS)
	@mkdir -p '$(@D)'
	$(BIN)/ct-zenodo --api '$(ZENODO_URL)' --file '$(call omn_file,$*)' --pin '$(ORGANMNIST3D_PINS)' $(ORGANMNIST3D_RECORD) '$@'

$(ARCHIVES)/organmnist3d-%.npz: $(ARCHIVES)/organmnist3d-%.tsv
	$(call zenodo_fetch,$<,$@)

$(OMN)/%/labels.tsv: $(ARCHIVES)/organmnist3d-%.npz | $(DOWNSTREAM_TOOLS)
	$(BIN)/ct-npz '$<' '$(OMN)/$*'
	$(call drop_archive,$<)

$(OMN)/%/datalist.json: $(OMN)/%/labels.tsv
	$(BIN)/ct-datalist table --image '{image}' --int-label label '$@' '$<'

$(OMN)/datalist.json: $(OMN)/28/datalist.json $(OMN)/64/datalist.json
	$(BIN)/ct-datalist table --image '64/{image}' --int-label label '$@' '$(OMN)/64/labels.tsv'
