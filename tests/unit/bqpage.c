/* Unit tests of lib/bqpage (BigQuery answers, rows to CSV) and ct_bq_retarget (lib/bq). */
#include "bq.h"
#include "bqpage.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

/* The CSV one answer gives (NULL when refused), and the message in *why. */
static char *csv_of(const char *json, const char **why)
{
	ct_bq_page p;
	ct_bq_csv c;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ct_code code = ct_bq_page_parse(json, strlen(json), "page 1", &p);
	if (!code) {
		if (!(code = ct_bq_csv_start(&c, f)))
			code = ct_bq_csv_page(&c, &p, "page 1");
		ct_bq_csv_free(&c);
		ct_bq_page_free(&p);
	}
	fclose(f);
	*why = ct_errmsg();
	if (code) {
		free(buf);
		return NULL;
	}
	return buf;
}

#define SCHEMA "\"jobComplete\":true,\"schema\":{\"fields\":[{\"name\":\"a\"},{\"name\":\"b c\"}]}"

static int csv_is(const char *json, const char *want)
{
	const char *why;
	char *got = csv_of(json, &why);
	int same = got && !strcmp(got, want);
	if (!same)
		printf("# got: %s (%s)\n", got ? got : "NULL", why);
	free(got);
	return same;
}

static int refused_with(const char *json, const char *part)
{
	const char *why;
	char *got = csv_of(json, &why);
	free(got);
	if (got || !strstr(why, part))
		printf("# %s: %s\n", got ? "accepted" : "refused", why);
	return !got && strstr(why, part);
}

static int retarget_on(const char *table, const char *dataset, const char *q, const char *want_or_error)
{
	char *out;
	ct_code c = ct_bq_retarget(q, table, dataset, "q.sql", &out);
	int ok = c ? strstr(ct_errmsg(), want_or_error) != NULL : !strcmp(out, want_or_error);
	if (!ok)
		printf("# got: %s\n", c ? ct_errmsg() : out);
	if (!c)
		free(out);
	return ok;
}

static int retarget_is(const char *q, const char *want_or_error)
{
	return retarget_on("bigquery-public-data.idc_v14.dicom_all", "idc_v20", q, want_or_error);
}

int main(void)
{
	CHECK(csv_is("{" SCHEMA ",\"rows\":[{\"f\":[{\"v\":\"1\"},{\"v\":null}]},{\"f\":[{\"v\":\" x\"},{\"v\":\"a\\\"b\"}]}]}",
	             "a,b c\n1,\n\" x\",\"a\"\"b\"\n"),
	      "header from the schema, null is empty, edge spaces and quotes quoted");
	CHECK(csv_is("{" SCHEMA ",\"rows\":[{\"f\":[{\"v\":12},{\"v\":true}]}]}", "a,b c\n12,true\n"),
	      "a bare JSON number or boolean is written as its text");
	CHECK(csv_is("{" SCHEMA ",\"totalRows\":\"0\"}", "a,b c\n"), "no rows: the header alone");
	CHECK(csv_is("{\"jobComplete\":true,\"schema\":{\"fields\":[{\"name\":\"\\ufeffa\"}]},\"rows\":[{\"f\":[{\"v\":\"\\ufeffb\"}]}]}",
	             "\"\xEF\xBB\xBF" "a\"\n\"\xEF\xBB\xBF" "b\"\n"),
	      "a cell starting with U+FEFF is quoted (first in the file it would be read as a BOM; found by make fuzz)");
	CHECK(refused_with("{" SCHEMA ",\"rows\":[{\"f\":[{\"v\":\"1\"}]}]}", "row 1 has 1 cells, the schema 2 columns"),
	      "a row short of a cell is refused, naming the row");
	CHECK(refused_with("{" SCHEMA ",\"rows\":[{\"f\":[{\"v\":\"1\"},{\"v\":[{\"v\":\"2\"}]}]}]}",
	                   "row 1, column b c: not a single value"),
	      "a REPEATED value is refused, naming the row and column");
	CHECK(refused_with("{" SCHEMA ",\"rows\":[{\"f\":[{\"v\":\"1\"},{\"v\":{\"f\":[]}}]}]}", "column b c"),
	      "a RECORD value is refused");
	CHECK(refused_with("{\"jobComplete\":true,\"rows\":[]}", "without a schema"), "a complete answer needs a schema");
	CHECK(refused_with("{\"jobComplete\":true,\"schema\":{\"fields\":[{\"type\":\"STRING\"}]}}", "field 1 has no name"),
	      "a schema field without a name is refused");
	CHECK(refused_with("[1,2]", "not a JSON object"), "an answer that is not an object is refused");
	CHECK(refused_with("{\"rows\":{}}", "not an array"), "rows that is not an array is refused");
	CHECK(refused_with("{\"jobComplete\":tru", "not JSON"), "a cut answer is refused");

	ct_bq_page p;
	const char *failed = "{\"jobComplete\":true,\"errors\":[{\"message\":\"Resources exceeded\"}]}";
	const char *pending = "{\"jobComplete\":false,\"jobReference\":{\"jobId\":\"j\",\"location\":\"EU\"},\"totalRows\":\"12x\"}";
	CHECK(!ct_bq_page_parse(failed, strlen(failed), "x", &p) &&
	      p.error && !strcmp(p.error, "Resources exceeded"), "a complete answer with errors and no schema carries the failure");
	ct_bq_page_free(&p);
	CHECK(!ct_bq_page_parse(pending, strlen(pending), "x", &p) && !p.complete && !strcmp(p.job_id, "j") && !strcmp(p.location, "EU") &&
	      p.total_rows == -1, "a pending answer: its job and location; a bad totalRows is unknown");
	ct_bq_page_free(&p);

	char text[300];
	ct_bq_error_text("{\"error\":{\"code\":400,\"message\":\"Syntax error at [2:3].\",\"status\":\"INVALID_ARGUMENT\","
	                 "\"errors\":[{\"reason\":\"invalidQuery\",\"location\":\"q\"}]}}", text, sizeof text);
	CHECK(!strcmp(text, "invalidQuery: Syntax error at [2:3] (at q)"), "an error answer as one line: %s", text);
	ct_bq_error_text("<html>502 Bad Gateway\n</html>", text, sizeof text);
	CHECK(!strcmp(text, "<html>502 Bad Gateway"), "a page that is not BigQuery's JSON: its first line");

	CHECK(retarget_is("SELECT 1 FROM `bigquery-public-data.idc_v14.dicom_all` x",
	                  "SELECT 1 FROM `bigquery-public-data.idc_v20.dicom_all` x"), "retarget: the table moves to idc_v20");
	CHECK(retarget_is("FROM my-bigquery-public-data.idc_v13.t, bigquery-public-data.idc_v14.dicom_all",
	                  "FROM my-bigquery-public-data.idc_v13.t, bigquery-public-data.idc_v20.dicom_all"),
	      "retarget: another project whose name ends the same is left alone");
	CHECK(retarget_is("FROM bigquery-public-data.idc_v14.dicom_all_v2", "names 'bigquery-public-data.idc_v14.dicom_all_v2'"),
	      "retarget: a longer table name is not the table");
	CHECK(retarget_is("FROM bigquery-public-data.idc_v14.dicom_all.x", "q.sql:1:6: names"),
	      "retarget: a name going on past the table is refused");
	CHECK(retarget_is("\n\n  bigquery-public-data.idc_v14.dicom_all bigquery-public-data.x.y", "q.sql:3:42: names 'bigquery-public-data.x.y'"),
	      "retarget: the line and column of the odd mention");
	/* Mentions that overlap a longer name's: each counted, so the output's buffer holds them
	 * (it was sized for one and written with two: a heap overflow under SAN=1). */
	CHECK(retarget_on("a:a.d.t", "a_much_longer_dataset_name", "xa:a:a.d.t a:a.d.t",
	                  "xa:a:a.a_much_longer_dataset_name.t a:a.a_much_longer_dataset_name.t"),
	      "retarget: a mention inside a longer name's is renamed within the buffer");
	return tap_done();
}
