/* Fuzz lib/bq's query rewriting (ct_bq_retarget: ct-bq --dataset TABLE=DATASET over the user's
 * QUERY.sql). The input is "TABLE\nDATASET\nQUERY" (both lines may be anything); an input
 * without two newlines is a query on CT-FM's table, moved to idc_v20. What comes back must be
 * the query with each mention of the table renamed: as long as the query plus the growth of
 * each mention, and, with the old dataset put back, the query itself. */
#include "fuzz.h"
#include "bq.h"

#include <stdlib.h>
#include <string.h>

/* out with every "project.new.table" back to "project.old.table" equals query. */
static int same_but_renamed(const char *query, const char *out, const char *table, const char *dataset)
{
	const char *d1 = strchr(table, '.'), *d2 = strchr(d1 + 1, '.');
	size_t plen = (size_t)(d1 - table), dnew = strlen(dataset), tail = strlen(d2);
	while (*query && *out) {
		if (!strncmp(out, table, plen) && out[plen] == '.' && !strncmp(out + plen + 1, dataset, dnew) &&
		    !strncmp(out + plen + 1 + dnew, d2, tail) && !strncmp(query, table, strlen(table))) {
			out += plen + 1 + dnew + tail;
			query += strlen(table);
		} else if (*query++ != *out++) {
			return 0;
		}
	}
	return !*query && !*out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	const char *table = "bigquery-public-data.idc_v14.dicom_all", *dataset = "idc_v20", *query = text;
	char *nl1 = strchr(text, '\n'), *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
	if (nl2) {
		*nl1 = *nl2 = 0;
		table = text, dataset = nl1 + 1, query = nl2 + 1;
	}
	char *out;
	if (ct_bq_retarget(query, table, dataset, "q.sql", &out) == CT_OK) {
		if (!same_but_renamed(query, out, table, dataset))
			abort(); /* more changed than the table's mentions */
		free(out);
	}
	free(text);
	return 0;
}
