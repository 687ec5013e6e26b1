/* Fuzz lib/pattern (ct-sort's TARGET/PATTERN argument): "ARG\nKEEP" split, parsed and, with
 * CT_FUZZ_DICOM naming a DICOM file, expanded: every expansion must be a safe relative path. */
#include "fuzz.h"
#include "dicom.h"
#include "fs.h"
#include "pattern.h"

#include <stdlib.h>
#include <string.h>

static ct_dicom *dcm;
static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ready) {
		ready = 1;
		ct_dicom_init();
		const char *f = getenv("CT_FUZZ_DICOM");
		if (f && ct_dicom_open(f, &dcm) != CT_OK)
			dcm = NULL;
	}
	char *arg = strndup((const char *)data, size);
	char *nl = strchr(arg, '\n'), *keep = NULL;
	if (nl) {
		*nl = 0;
		keep = nl + 1;
	}
	char *target, *pat;
	if (ct_pattern_split(arg, &target, &pat) == CT_OK) {
		ct_pattern *p;
		if (ct_pattern_parse(pat, keep, &p) == CT_OK) {
			ct_pattern_unknown(p);
			char *rel = dcm ? ct_pattern_expand(p, dcm) : NULL;
			if (rel && !ct_path_is_safe(rel))
				abort();
			free(rel);
			ct_pattern_free(p);
		}
		free(target), free(pat);
	}
	free(arg);
	return 0;
}
