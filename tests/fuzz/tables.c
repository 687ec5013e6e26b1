/* Fuzz the table readers a downloaded or user file reaches: lib/csvrows (CSV rows, ',' and
 * ';'), lib/table (meta.csv, 3D-MIR's CSVs, labels.tsv: delimiter guessed), lib/tsv (plans,
 * records) and lib/labelmap's class table. */
#include "fuzz.h"
#include "csvrows.h"
#include "labelmap.h"
#include "table.h"
#include "tsv.h"

#include <stdio.h>
#include <stdlib.h>

static ct_code row(const ct_csv_row *r, void *arg)
{
	(void)arg;
	ct_csv_column(r, "cp_command");
	return r->n > 1000 ? CT_EDATA : CT_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	ct_csv_parse("in.csv", text, size, ',', row, NULL);
	ct_csv_parse("in.csv", text, size, ';', row, NULL);
	ct_table t;
	if (ct_table_parse(text, size, 0, "in.csv", &t) == CT_OK) {
		int col;
		ct_table_need(&t, "in.csv", "image_id", &col);
		FILE *null = fopen("/dev/null", "w");
		for (size_t i = 0; null && i < t.n; i++)
			ct_table_put_row(null, t.row[i].field, t.row[i].n, t.sep);
		if (null)
			fclose(null);
		ct_table_free(&t);
	}
	char *path = fuzz_file("table.tsv", data, size);
	ct_tsv tsv;
	if (ct_tsv_read(path, &tsv) == CT_OK) {
		int c = ct_tsv_col(&tsv, "url");
		for (size_t r = 0; r < tsv.nrows; r++)
			ct_tsv_get(&tsv, r, c);
		ct_tsv_free(&tsv);
	}
	ct_classes cls;
	if (ct_classes_read(path, &cls) == CT_OK)
		ct_classes_free(&cls);
	free(path);
	return 0;
}
