/* ct-convert: see the usage text below. Its work arrives with its issue; until then it says so. */
#include "cli.h"
#include "log.h"

static const char usage[] =
"usage: ct-convert [options] DICOM_DIR OUT.nrrd [--meta OUT.tsv]\n"
"Convert one CT series to a gzip NRRD in LPS space, with a metadata record.\n";

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-convert", usage);
	ct_exit(ct_fail(CT_EDATA, "not built yet: this command's work has not landed (see README.md)"));
}
