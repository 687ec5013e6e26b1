/* ct-fetch: see the usage text below. Its work arrives with its issue; until then it says so. */
#include "cli.h"
#include "log.h"

static const char usage[] =
"usage: ct-fetch [--endpoint URL]... [--jobs N] s3://BUCKET/PREFIX/ DIR\n"
"       ct-fetch --url URL (--md5|--sha256|--sha1-gitblob) HEX FILE\n"
"Fetch every object under PREFIX into DIR, each verified against its MD5, resumed and retried.\n";

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-fetch", usage);
	ct_exit(ct_fail(CT_EDATA, "not built yet: this command's work has not landed (see README.md)"));
}
