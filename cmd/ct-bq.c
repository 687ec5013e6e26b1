/* ct-bq: one BigQuery query through the REST API, its rows to a CSV file (lib/bq.h). */
#include "bq.h"
#include "cli.h"
#include "fs.h"
#include "log.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: ct-bq [--project P] [--url URL] [--dataset TABLE=DATASET] [--record FILE [--note K=V]...]\n"
"             [--max-results N] [--timeout-ms MS] [--max-wait S] [--retries N] [--cacert FILE]\n"
"             QUERY.sql OUT.csv\n"
"Run the Standard SQL query in QUERY.sql with BigQuery's REST API (jobs.query, then\n"
"jobs.getQueryResults until the job is complete and every page is read) and write its rows to\n"
"OUT.csv: a header of the result's column names, then one line a row (RFC 4180 quoting, LF).\n"
"OUT.csv is written atomically, only once every row has arrived and their count equals the\n"
"job's totalRows; after any failure it is untouched. Memory is one page, whatever the rows.\n"
"\n"
"  --project P      the Google Cloud project the job runs in and is billed to (default $BQ_PROJECT)\n"
"  --url URL        the API's base URL (default $BQ_URL, else https://bigquery.googleapis.com)\n"
"  --dataset TABLE=DATASET  run the query on another dataset: QUERY.sql must name TABLE\n"
"                   (project.dataset.table) and nothing else of its project; each mention\n"
"                   becomes project.DATASET.table (e.g. bigquery-public-data.idc_v14.dicom_all=idc_v18)\n"
"  --record FILE    also write FILE (atomically): tab-separated lines, the --note K=V pairs\n"
"                   first, then rows, sha256 (of OUT.csv), job, bytes_processed, cache_hit\n"
"  --max-results N  rows a page (default 10000; BigQuery also caps a page near 10 MB)\n"
"  --timeout-ms MS  how long one call waits for the job on the server (default 10000)\n"
"  --max-wait S     give up on a job not complete after S seconds (default 21600)\n"
"  --retries N      retries per call of broken connections, 5xx, 429 (Retry-After honoured) and\n"
"                   403 rateLimitExceeded, with backoff (default 8)\n"
"  --cacert FILE    CA bundle for TLS (default the system's, or $CURL_CA_BUNDLE)\n"
"  -h, --help       this text\n"
"The access token is $BQ_TOKEN, else what `gcloud auth print-access-token` prints. It is sent\n"
"only in the Authorization header and never printed; keep it out of command lines (ps shows\n"
"those to every user). Errors say BigQuery's reason and message: 401 (the token), 403 (billing,\n"
"permission, quota), 400 (the query, with its line and column).\n"
"Exit status: 0 done, 1 the query, the data or the network failed, 2 usage or no credentials.\n";

typedef struct {
	ct_bq_opts bq;
	const char *dataset, *record, *query_file, *out;
	const char *notes[32];
	int nnotes;
} options;

static options parse_args(int argc, char **argv)
{
	const char *url = getenv("BQ_URL");
	options o = {.bq = {.url = url && *url ? url : "https://bigquery.googleapis.com",
	                    .project = getenv("BQ_PROJECT"), .max_results = 10000, .timeout_ms = 10000,
	                    .max_wait = 21600, .retries = 8}};
	static const struct option longopts[] = {
		{"project", required_argument, 0, 'p'}, {"url", required_argument, 0, 'u'},
		{"dataset", required_argument, 0, 'd'}, {"record", required_argument, 0, 'r'},
		{"note", required_argument, 0, 'n'}, {"max-results", required_argument, 0, 'm'},
		{"timeout-ms", required_argument, 0, 't'}, {"max-wait", required_argument, 0, 'w'},
		{"retries", required_argument, 0, 'R'}, {"cacert", required_argument, 0, 'c'}, {0, 0, 0, 0}};
	int c;
	while ((c = ct_getopt(argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'p': o.bq.project = optarg; break;
		case 'u': o.bq.url = optarg; break;
		case 'd': o.dataset = optarg; break;
		case 'r': o.record = optarg; break;
		case 'n':
			if (o.nnotes == 32 || !strchr(optarg, '=') || strpbrk(optarg, "\t\n"))
				ct_usage_error("--note: '%s' is not KEY=VALUE (at most 32, no tab or newline)", optarg);
			o.notes[o.nnotes++] = optarg;
			break;
		case 'm': o.bq.max_results = ct_cli_long("--max-results", optarg, 1, 1000000000); break;
		case 't': o.bq.timeout_ms = ct_cli_long("--timeout-ms", optarg, 0, 3600000); break;
		case 'w': o.bq.max_wait = (double)ct_cli_long("--max-wait", optarg, 0, 86400 * 7); break;
		case 'R': o.bq.retries = (int)ct_cli_long("--retries", optarg, 0, 100); break;
		case 'c': o.bq.cacert = optarg; break;
		}
	}
	if (argc - optind != 2)
		ct_usage_error("expected QUERY.sql and OUT.csv");
	if (!o.bq.project || !*o.bq.project)
		ct_usage_error("no project: give --project or set BQ_PROJECT (the job is billed to it)");
	if (o.nnotes && !o.record)
		ct_usage_error("--note needs --record");
	o.query_file = argv[optind];
	o.out = argv[optind + 1];
	return o;
}

/* The query text, on --dataset's dataset when asked. */
static ct_code read_query(const options *o, char **query)
{
	size_t len;
	ct_code c = ct_read_file(o->query_file, query, &len);
	if (c)
		return c;
	if (strlen(*query) != len || strspn(*query, " \t\r\n") == len)
		c = ct_fail(CT_EDATA, "%s: %s", o->query_file, strlen(*query) != len ? "holds a NUL byte" : "is empty");
	if (!c && o->dataset) {
		char *table = strdup(o->dataset), *eq = table ? strchr(table, '=') : NULL, *q = NULL;
		if (!eq)
			ct_usage_error("--dataset: '%s' is not TABLE=DATASET", o->dataset);
		*eq = 0;
		c = ct_bq_retarget(*query, table, eq + 1, o->query_file, &q);
		free(table);
		free(*query);
		*query = q;
	}
	return c;
}

static ct_code write_record(const options *o, const ct_bq_result *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return ct_fail(CT_ENOMEM, "out of memory");
	for (int i = 0; i < o->nnotes; i++) {
		const char *eq = strchr(o->notes[i], '=');
		fprintf(f, "%.*s\t%s\n", (int)(eq - o->notes[i]), o->notes[i], eq + 1);
	}
	fprintf(f, "rows\t%llu\nsha256\t%s\njob\t%s:%s.%s\nbytes_processed\t%lld\ncache_hit\t%s\n", r->rows,
	        r->sha256, o->bq.project, r->location, r->job_id, r->bytes_processed, r->cache_hit ? "true" : "false");
	fclose(f);
	ct_code c = text ? ct_write_file_atomic(o->record, text, len) : ct_fail(CT_ENOMEM, "out of memory");
	free(text);
	return c;
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-bq", usage);
	options o = parse_args(argc, argv);
	char *query = NULL, *token = NULL;
	ct_code c = read_query(&o, &query);
	if (!c)
		c = ct_bq_token(&token);
	ct_bq_result r;
	if (!c) {
		o.bq.token = token;
		c = ct_bq_query(&o.bq, query, o.out, &r);
		explicit_bzero(token, strlen(token));
	}
	if (!c && o.record)
		c = write_record(&o, &r);
	if (!c)
		ct_info("%s: %llu rows in %u page%s (job %s, %lld bytes processed%s)", o.out, r.rows, r.pages,
		        r.pages == 1 ? "" : "s", r.job_id, r.bytes_processed, r.cache_hit ? ", from BigQuery's cache" : "");
	free(token);
	free(query);
	ct_exit(c);
}
