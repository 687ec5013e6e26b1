/* ct-index: see the usage text below. Its work arrives with its issue; until then it says so. */
#include "cli.h"
#include "log.h"

static const char usage[] =
"usage: ct-index [options] DATA/pretrain\n"
"Write scan_list.pkl, index.tsv and failed.tsv from the per-scan records.\n";

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-index", usage);
	ct_exit(ct_fail(CT_EDATA, "not built yet: this command's work has not landed (see README.md)"));
}
