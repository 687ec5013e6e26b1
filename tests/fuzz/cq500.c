/* Fuzz lib/cq500 (CQ500's reads.csv, downloaded with the archives) as ct-cq500 reads it: a
 * comma-separated table (lib/table), its label rows written to memory. Rows written must be one
 * a patient, each with as many cells as the header, its label 0 or 1. */
#include "fuzz.h"
#include "cq500.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t cells(const char *line, size_t len)
{
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		n += line[i] == '\t';
	return n;
}

/* Every line of out has the header's cell count (at least name, dir, label and a finding), a
 * 0/1 label third; as many lines as the table has (header included). */
static void check(const char *out, size_t len, size_t rows)
{
	size_t lines = 0, want = 0;
	for (const char *p = out, *end = out + len; p < end; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			abort(); /* a last line without its end */
		size_t n = cells(p, (size_t)(nl - p));
		if (lines == 0)
			want = n;
		else if (n != want || n < 4)
			abort();
		const char *label = p;
		for (int k = 0; k < 2; k++)
			label = strchr(label, '\t') + 1;
		if (lines && ((label[0] != '0' && label[0] != '1') || label[1] != '\t'))
			abort(); /* the label is neither 0 nor 1 (a finding column always follows) */
		p = nl + 1;
	}
	if (lines != rows)
		abort(); /* a patient lost or doubled */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ct_table t;
	if (ct_table_parse((const char *)data, size, ',', "reads.csv", &t) != CT_OK)
		return 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f) {
		ct_code c = ct_cq500_labels(&t, "reads.csv", f);
		fclose(f);
		if (c == CT_OK)
			check(buf, len, t.n);
		free(buf);
	}
	ct_table_free(&t);
	return 0;
}
