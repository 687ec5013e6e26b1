/* ct-plan: see the usage text below. Its work arrives with its issue; until then it says so. */
#include "cli.h"
#include "log.h"

static const char usage[] =
"usage: ct-plan [--limit N] [--shard I/N] MANIFEST > plan.mk\n"
"Read an IDC manifest (s5cmd cp lines, s3:// or gs:// URLs, or a CSV export) and write a\n"
"makefile fragment naming every series once, by its crdc_series_uuid, with its bucket.\n";

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-plan", usage);
	ct_exit(ct_fail(CT_EDATA, "not built yet: this command's work has not landed (see README.md)"));
}
