/* ct-fetch: verified, resumable, parallel downloads (lib/fetch.h does the work). */
#include "cli.h"
#include "fetch.h"
#include "log.h"
#include "pin.h"
#include "step.h"

#include <getopt.h>
#include <string.h>

static const char usage[] =
"usage: ct-fetch [OPTIONS] s3://BUCKET/PREFIX/ DIR\n"
"       ct-fetch [OPTIONS] gs://BUCKET/PREFIX/ DIR\n"
"       ct-fetch [OPTIONS] --url URL (--md5|--sha256|--sha1|--sha1-gitblob) HEX FILE\n"
"       ct-fetch [OPTIONS] --url URL --record-sha256 PIN FILE\n"
"\n"
"Fetch every object under PREFIX (ListObjectsV2, every page) into DIR, named by the last\n"
"segment of its key. Each object streams into DIR/NAME.part, MD5-hashed as it arrives, and is\n"
"renamed to DIR/NAME only when the MD5 equals the ETag or GCS's x-goog-hash md5 (a multipart\n"
"\"-N\" ETag is checked by size). Partial files resume with Range; a file already verified is\n"
"never fetched again (journal: DIR/.ct-fetch-journal). When every object is verified, DIR/.verified\n"
"lists them: '# ct-fetch s3://BUCKET/PREFIX/', then NAME<TAB>SIZE<TAB>MD5<TAB>HOW (etag, gcs-md5,\n"
"size) sorted by name; it is never present for an incomplete DIR, and not rewritten when nothing\n"
"changed. Keys with '/', '..', a leading '.' or outside the prefix are refused.\n"
"\n"
"With --url: fetch one file to FILE (through FILE.part, resumed) and verify it against HEX.\n"
"With --record-sha256 PIN instead of a digest (a source that publishes none): take the bytes as\n"
"they arrive, checked against the size the server announced, then write their SHA-256 to PIN as\n"
"the pin 'HEX  NAME' (NAME: FILE's last segment; atomically). A FILE already there is kept and\n"
"its pin written, with no request. Give that pin as --sha256 on every later fetch.\n"
"\n"
"Options:\n"
"  --endpoint URL      S3 endpoint, path style URL/BUCKET/KEY (default https://s3.amazonaws.com,\n"
"                      https://storage.googleapis.com for gs://); give it twice or more for\n"
"                      fallback mirrors, tried when the first fails\n"
"  --jobs N            concurrent transfers (default 16)\n"
"  --retries N         retries per object for resets, timeouts, stalls, truncation, 429, 5xx and\n"
"                      digest mismatches, with exponential backoff and jitter, honouring\n"
"                      Retry-After (default 10); 403/404 fail at once; a refused connection\n"
"                      or a host that does not resolve gets 4 tries an endpoint, 1 s apart at\n"
"                      most\n"
"  --stall SECONDS     a transfer under 1 byte/s for this long is retried (default 60; libcurl\n"
"                      averages the rate over ~5 s, so a stall shows a few seconds later)\n"
"  --cacert FILE       CA certificates for TLS (default: the system's, or $CURL_CA_BUNDLE)\n"
"  --url URL           fetch this one URL instead of a prefix\n"
"  --md5 HEX, --sha256 HEX, --sha1 HEX, --sha1-gitblob HEX\n"
"                      the digest FILE must have (with --url; sha1-gitblob = git's blob id)\n"
"  --record-sha256 PIN with --url, no digest known: pin FILE on first use (above)\n"
CT_STEP_USAGE
"  -h, --help          this text\n"
"\n"
"Exit status: 0 all verified; 1 something failed (stderr names each object and why); 2 usage.\n";

enum { O_ENDPOINT = 256, O_JOBS, O_RETRIES, O_STALL, O_CACERT, O_URL, O_MD5, O_SHA256, O_SHA1, O_GITBLOB, O_RECORD };

/* --record-sha256: the file as it arrives, then its pin. */
static ct_code fetch_and_pin(const ct_fetch_opts *o, const char *url, const char *file, const char *pin)
{
	char got[CT_HEX_MAX];
	const char *slash = strrchr(file, '/');
	ct_code c = ct_fetch_url(o, url, CT_SHA256, NULL, file, got);
	if (c == CT_OK && (c = ct_pin_record(pin, got, slash ? slash + 1 : file)) == CT_OK)
		ct_info("%s: no pin known: recorded its sha256 %s in %s", slash ? slash + 1 : file, got, pin);
	return c;
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-fetch", usage);
	static const struct option longopts[] = {
		{"endpoint", required_argument, 0, O_ENDPOINT}, {"jobs", required_argument, 0, O_JOBS},
		{"retries", required_argument, 0, O_RETRIES}, {"stall", required_argument, 0, O_STALL},
		{"cacert", required_argument, 0, O_CACERT}, {"url", required_argument, 0, O_URL},
		{"md5", required_argument, 0, O_MD5}, {"sha256", required_argument, 0, O_SHA256},
		{"sha1", required_argument, 0, O_SHA1}, {"sha1-gitblob", required_argument, 0, O_GITBLOB},
		{"record-sha256", required_argument, 0, O_RECORD},
		CT_STEP_LONGOPTS, {0, 0, 0, 0},
	};
	const char *endpoints[16];
	ct_fetch_opts o = {.endpoints = endpoints, .jobs = 16, .retries = 10, .stall_seconds = 60};
	const char *url = NULL, *hex = NULL, *record = NULL;
	int kind = -1, opt;
	while ((opt = ct_getopt(argc, argv, "", longopts)) != -1) {
		switch (opt) {
		case O_ENDPOINT:
			if (o.nendpoints == 16)
				ct_usage_error("--endpoint: at most 16");
			endpoints[o.nendpoints++] = optarg;
			break;
		case O_JOBS: o.jobs = (int)ct_cli_long("--jobs", optarg, 1, 1024); break;
		case O_RETRIES: o.retries = (int)ct_cli_long("--retries", optarg, 0, 1000); break;
		case O_STALL: o.stall_seconds = ct_cli_long("--stall", optarg, 1, 86400); break;
		case O_CACERT: o.cacert = optarg; break;
		case O_URL: url = optarg; break;
		case O_MD5: case O_SHA256: case O_SHA1: case O_GITBLOB:
			if (hex)
				ct_usage_error("give one digest");
			kind = opt == O_MD5 ? CT_MD5 : opt == O_SHA256 ? CT_SHA256 : opt == O_SHA1 ? CT_SHA1 : CT_GITBLOB;
			hex = optarg;
			break;
		case O_RECORD: record = optarg; break;
		default: /* ct_getopt() refused every option not in the table */
			ct_step_option(opt, optarg);
		}
	}
	if (record && (!url || hex))
		ct_usage_error("--record-sha256 goes with --url and no digest");
	if (argc - optind != (url ? 1 : 2))
		ct_usage_error(url ? "--url needs one FILE" : "needs s3://BUCKET/PREFIX/ (or gs://) and DIR");
	if (record) {
		ct_step_begin();
		ct_step_exit(fetch_and_pin(&o, url, argv[optind], record));
	}
	if (url) {
		if (!hex)
			ct_usage_error("--url needs --md5, --sha256, --sha1 or --sha1-gitblob");
		if (!ct_digest_hex_valid((ct_digest_kind)kind, hex))
			ct_usage_error("'%s' is not a %s digest", hex, ct_digest_kind_name((ct_digest_kind)kind));
		if (o.nendpoints)
			ct_usage_error("--endpoint is for s3:// and gs:// sources, not --url");
		ct_step_begin();
		ct_step_exit(ct_fetch_url(&o, url, (ct_digest_kind)kind, hex, argv[optind], NULL));
	}
	if (hex)
		ct_usage_error("a digest goes with --url");
	ct_step_begin();
	ct_step_exit(ct_fetch_prefix(&o, argv[optind], argv[optind + 1]));
}
