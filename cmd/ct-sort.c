/* ct-sort: see the usage text below. Its work arrives with its issue; until then it says so. */
#include "cli.h"
#include "log.h"

static const char usage[] =
"usage: ct-sort [--symlink|--copy|--move] SOURCE TARGET/PATTERN\n"
"Sort DICOM files into a tree named by their tags (dicomsort's pattern language).\n";

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-sort", usage);
	ct_exit(ct_fail(CT_EDATA, "not built yet: this command's work has not landed (see README.md)"));
}
