/* ct-zenodo: where one file of a Zenodo record is, and its md5, checked against a pin. */
#include "cli.h"
#include "fs.h"
#include "log.h"
#include "pin.h"
#include "zenodo.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: ct-zenodo [--api URL] [--file NAME] [--pin FILE] RECORD OUT\n"
"Ask Zenodo's record API (URL/api/records/RECORD) about one file of the record and write OUT,\n"
"one tab-separated line: name, size, md5, download URL (URL/records/RECORD/files/NAME?download=1).\n"
"\n"
"  --api URL    Zenodo's base URL (default https://zenodo.org)\n"
"  --file NAME  the file of the record (needed when the record holds more than one)\n"
"  --pin FILE   md5 pins (\"HEX  NAME\" lines): when FILE names the file, the record's md5 must\n"
"               equal it; a file FILE does not name is taken with the record's md5\n"
"  -h, --help   this text\n"
"429 and 5xx answers are retried, honouring Retry-After. OUT is written atomically.\n"
"Exit status: 0 done, 1 the record or the network failed or the md5 differs from the pin, 2 usage.\n";

static ct_code check_pin(const char *pin, const ct_zenodo_file *f)
{
	char hex[CT_HEX_MAX];
	int found;
	ct_code c = ct_pin_lookup(pin, CT_MD5, f->name, hex, &found);
	if (c && !found && strstr(ct_errmsg(), "not pinned")) {
		ct_info("%s: not pinned in %s; the record says md5 %s", f->name, pin, f->md5);
		return CT_OK;
	}
	if (c)
		return c;
	if (strcmp(hex, f->md5))
		return ct_fail(CT_EDATA, "%s: the record's md5 %s differs from the pin %s in %s", f->name, f->md5, hex, pin);
	return CT_OK;
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-zenodo", usage);
	static const struct option opts[] = {
		{"api", required_argument, 0, 'a'}, {"file", required_argument, 0, 'f'},
		{"pin", required_argument, 0, 'p'}, {0, 0, 0, 0}};
	const char *api = "https://zenodo.org", *file = NULL, *pin = NULL;
	int c;
	while ((c = ct_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'a': api = optarg; break;
		case 'f': file = optarg; break;
		case 'p': pin = optarg; break;
		}
	}
	if (argc - optind != 2)
		ct_usage_error("expected RECORD and OUT");
	const char *record = argv[optind], *out = argv[optind + 1];
	if (!*record || strspn(record, "0123456789") != strlen(record))
		ct_usage_error("RECORD '%s' is not a record number", record);
	ct_zenodo_file f;
	ct_code code = ct_zenodo_lookup(api, record, file, &f);
	if (code == CT_OK && pin)
		code = check_pin(pin, &f);
	if (code == CT_OK) {
		char line[8192];
		int n = snprintf(line, sizeof line, "%s\t%lld\t%s\t%s\n", f.name, f.size, f.md5, f.url);
		code = n >= (int)sizeof line ? ct_fail(CT_EDATA, "%s: name too long", f.name)
		                             : ct_write_file_atomic(out, line, (size_t)n);
	}
	ct_zenodo_file_free(&f);
	ct_exit(code);
}
