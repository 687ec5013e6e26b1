/* ct-sinoct: a SinoCT download checked against its labels table, its studies named for Make. */
#include "cli.h"
#include "fs.h"
#include "log.h"
#include "sinoct.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: ct-sinoct [--labels FILE] SRC OUT.mk LABELS.csv\n"
"Check a SinoCT download (Stanford AIMI; fetched by hand: it needs a login and a research-use\n"
"agreement) against its labels table, and name its studies for make downstream-sinoct.\n"
"SRC holds:\n"
"  labels.csv          the labels (or --labels FILE): a column patient_id and a column label,\n"
"                      \"1,0\" normal or \"0,1\" abnormal (the table CT-FM's loader reads; other\n"
"                      columns are ignored; comma, ';' or tab separated, BOM and CRLF accepted)\n"
"  <patient_id>/       each study's DICOM files, at any depth and under any names, or\n"
"  <patient_id>.zip    the same, zipped\n"
"Other files and hidden entries in SRC are ignored. Every labelled study must be there, every\n"
"study labelled, once (not both a folder and a zip); a patient_id must be a plain name (letters,\n"
"digits, '.', '_', '-'; not starting with '.'), since it names a folder and a Make target. Each\n"
"kind of problem is reported with the first names and a count, and nothing is written.\n"
"OUT.mk:     SINOCT_STUDIES := <every patient_id, in byte order>\n"
"            SINOCT_ZIPPED := <those that are zips>\n"
"LABELS.csv: patient_id,label,abnormal (abnormal: 1 for \"0,1\", 0 for \"1,0\"), in SRC's order.\n"
"Both are written atomically.\n"
"  -h, --help   this text\n"
"Exit status: 0 written, 1 a study or label missing or malformed, 2 usage.\n";

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-sinoct", usage);
	static const struct option opts[] = {{"labels", required_argument, 0, 'l'}, {0, 0, 0, 0}};
	const char *labels = NULL;
	int c;
	while ((c = ct_getopt(argc, argv, "", opts)) != -1)
		labels = optarg; /* --labels, the only option */
	if (argc - optind != 3)
		ct_usage_error("expected SRC, OUT.mk and LABELS.csv");
	const char *src = argv[optind];
	char *lpath = labels ? strdup(labels) : ct_path_join(src, "labels.csv");
	ct_sinoct st = {0};
	ct_code code = ct_sinoct_check(&st, lpath, src);
	if (!code)
		code = ct_sinoct_write(&st, argv[optind + 1], argv[optind + 2]);
	ct_sinoct_free(&st);
	free(lpath);
	ct_exit(code);
}
