# make manifest: the first step of CT-FM's study, rerun: its BigQuery query over IDC's dicom_all
# for release IDC_VERSION, written as the manifest CSV that MANIFEST= takes.
#
#   CT-FM's query.sql ──ct-fetch (git blob pin)──▶ DATA/manifests/ct-fm-query.sql
#   ──ct-bq (on bigquery-public-data.idc_<IDC_VERSION>)──▶ ctfm-<IDC_VERSION>.csv.new (+ .info)
#   ──ct-plan reads it as a manifest──▶ ctfm-<IDC_VERSION>.csv, .csv.info
#
# Outputs live under DATA, not in the checkout: a checkout may be read-only (a shared install on
# a cluster), and the CSV (~20 MB) is data, next to the other fetched inputs. The CSV is made
# once: a second `make manifest` runs (and bills) nothing; delete the CSV to query again.
# QUERY=FILE runs a query of one's own instead (written, like CT-FM's, against
# bigquery-public-data.idc_v14.dicom_all); its CSV is named after the file.
MANIFESTS      := $(DATA)/manifests
IDC_VERSION    ?= v14
BQ_URL         ?= https://bigquery.googleapis.com
BQ_PROJECT     ?=
QUERY          ?=
CTFM_QUERY_URL  = $(GITHUB_RAW_URL)/project-lighter/CT-FM/$(CTFM_COMMIT)/notebooks/data-download/query.sql
CTFM_QUERY_PIN ?= $(firstword $(file <$(TOP)/checksums/ct-fm-query.gitblob))
# Extra ct-fetch options for the query's download (e.g. --retries N, --cacert FILE).
MANIFEST_FETCH_FLAGS ?=
# The table CT-FM's query names; IDC_VERSION swaps its dataset.
IDC_TABLE      := bigquery-public-data.idc_v14.dicom_all

QUERY_FILE    := $(if $(QUERY),$(abspath $(QUERY)),$(MANIFESTS)/ct-fm-query.sql)
MANIFEST_CSV  := $(MANIFESTS)/$(if $(QUERY),$(basename $(notdir $(QUERY))),ctfm)-$(IDC_VERSION).csv
QUERY_NOTES    = $(if $(QUERY),--note query=$(QUERY_FILE) --note query_sha256=$$(sha256sum < '$<' | cut -d' ' -f1),\
                 --note query=$(CTFM_QUERY_URL) --note query_gitblob=$(CTFM_QUERY_PIN))

# Refused before anything is fetched or asked.
ifneq ($(filter manifest $(MANIFEST_CSV),$(MAKECMDGOALS)),)
ifeq ($(BQ_PROJECT),)
$(error make manifest needs BQ_PROJECT=<a Google Cloud project with billing>: BigQuery bills the query to it)
endif
ifeq ($(shell case '$(IDC_VERSION)' in (current|v[0-9]|v[0-9][0-9]|v[0-9][0-9][0-9]) echo ok;; esac),)
$(error IDC_VERSION=$(IDC_VERSION): expected vN (v14 is CT-FM's release) or current)
endif
endif

.PHONY: manifest
manifest: $(MANIFEST_CSV)
	@echo "ctmake: $<: $$(sed -n 's/^rows\t//p' '$<.info') series of IDC $(IDC_VERSION); use it: make pretrain-data MANIFEST=$<"

$(MANIFESTS)/ct-fm-query.sql: | $(BIN)/ct-fetch
	@mkdir -p '$(@D)'
	$(BIN)/ct-fetch $(MANIFEST_FETCH_FLAGS) --url $(CTFM_QUERY_URL) --sha1-gitblob $(CTFM_QUERY_PIN) '$@'

# The CSV takes its final name only once ct-plan has read it as a manifest; until then it is
# NAME.new (kept after a failure: the query was paid for).
$(MANIFEST_CSV): $(QUERY_FILE) | $(BIN)/ct-bq $(BIN)/ct-plan
	@mkdir -p '$(@D)'
	$(BIN)/ct-bq --project '$(BQ_PROJECT)' --url '$(BQ_URL)' --dataset $(IDC_TABLE)=idc_$(IDC_VERSION) \
	  --record '$@.new.info' --note idc_version=$(IDC_VERSION) --note dataset=bigquery-public-data.idc_$(IDC_VERSION) \
	  $(QUERY_NOTES) '$<' '$@.new'
	$(BIN)/ct-plan '$@.new' > /dev/null
	mv '$@.new.info' '$@.info' && mv '$@.new' '$@'
