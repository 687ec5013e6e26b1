/* ct-unpack: see the usage text below. Its work arrives with its issue; until then it says so. */
#include "cli.h"
#include "log.h"

static const char usage[] =
"usage: ct-unpack ARCHIVE DIR\n"
"Unpack a zip (ZIP64), tar or tar.gz into DIR, refusing entries that would leave it.\n";

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-unpack", usage);
	ct_exit(ct_fail(CT_EDATA, "not built yet: this command's work has not landed (see README.md)"));
}
