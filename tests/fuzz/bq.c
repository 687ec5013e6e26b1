/* Fuzz lib/bqpage: BigQuery's answers (jobs.query, jobs.getQueryResults; JSON through jansson),
 * up to four pages split at NUL bytes, as ct-bq takes them: each parsed, its error text and
 * reason read, the rows of each complete page written as CSV (into open_memstream, as ct-bq
 * writes into its atomic file). Then what the CSV must be: its SHA-256 is that of its bytes, and
 * read back by lib/csvrows (as ct-plan reads a manifest) it gives the header and every string
 * cell exactly as the answers held them. */
#include "fuzz.h"
#include "bqpage.h"
#include "csvrows.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGES 4

/* The cells the CSV must give back: row r, column k; NULL where a cell is a number (its text is
 * bqpage's own) and so not compared. */
typedef struct {
	const char **cell;
	size_t rows, cols, seen;
} expected;

static void expect_page(expected *e, const ct_bq_page *p)
{
	for (size_t i = 0; i < p->nrows; i++, e->rows++) {
		json_t *cells = json_object_get(json_array_get(p->rows, i), "f");
		for (size_t k = 0; k < e->cols; k++) {
			json_t *v = json_object_get(json_array_get(cells, k), "v");
			e->cell[e->rows * e->cols + k] = json_is_string(v) ? json_string_value(v) : json_is_null(v) ? "" : NULL;
		}
	}
}

static ct_code check_row(const ct_csv_row *r, void *arg)
{
	expected *e = arg;
	size_t row = e->seen++;
	if (row >= e->rows || r->n != e->cols)
		abort(); /* a row more, or cells split or joined */
	for (size_t k = 0; k < e->cols; k++) {
		const char *want = e->cell[row * e->cols + k];
		if (want && strcmp(want, r->field[k]))
			abort(); /* a cell that does not read back as it came */
	}
	return CT_OK;
}

static void check_csv(const char *buf, size_t len, const char *hex, expected *e)
{
	ct_digest d;
	char again[CT_HEX_MAX];
	if (ct_digest_init(&d, CT_SHA256, 0))
		abort();
	ct_digest_update(&d, buf, len);
	ct_digest_final(&d, again);
	if (strcmp(hex, again))
		abort(); /* the digest ct-bq records is not that of the file */
	if (ct_csv_parse("out.csv", buf, len, ',', check_row, e) != CT_OK || e->seen != e->rows)
		abort(); /* a row lost, or the CSV unreadable */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	ct_bq_page page[PAGES];
	size_t npages = 0, total = 0;
	char *buf = NULL, line[1200], reason[64];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ct_bq_csv csv;
	ct_code c = f ? ct_bq_csv_start(&csv, f) : CT_ENOMEM;
	for (char *p = text; c == CT_OK && npages < PAGES && p <= text + size; p += strlen(p) + 1) {
		ct_bq_error_text(p, line, sizeof line);
		ct_bq_error_reason(p, reason, sizeof reason);
		if (ct_bq_page_parse(p, strlen(p), "page", &page[npages]) != CT_OK)
			break;
		ct_bq_page *pg = &page[npages++];
		total += pg->nrows;
		if (pg->complete && !pg->error)
			c = ct_bq_csv_page(&csv, pg, "page");
	}
	if (f && c == CT_OK && csv.started && total < 100000) {
		char hex[CT_HEX_MAX];
		ct_bq_csv_finish(&csv, hex);
		fflush(f);
		expected e = {.cols = csv.ncols, .cell = calloc((total + 1) * csv.ncols, sizeof(char *))};
		if (e.cell) {
			for (size_t k = 0; k < e.cols; k++)
				e.cell[k] = csv.names[k];
			e.rows = 1;
			for (size_t i = 0; i < npages; i++)
				if (page[i].complete && !page[i].error)
					expect_page(&e, &page[i]);
			check_csv(buf, len, hex, &e);
			free(e.cell);
		}
	}
	if (f) {
		ct_bq_csv_free(&csv);
		fclose(f);
	}
	for (size_t i = 0; i < npages; i++)
		ct_bq_page_free(&page[i]);
	free(buf);
	free(text);
	return 0;
}
