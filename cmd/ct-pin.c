/* ct-pin: the pinned digest of one remote input (lib/pin.h). */
#include "cli.h"
#include "log.h"
#include "pin.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] =
"usage: ct-pin [--kind KIND] FILE NAME\n"
"Print the digest pinned for NAME in the pin file FILE (lines \"HEX  NAME\", md5sum's layout).\n"
"\n"
"  --kind KIND  md5 (default), sha1, sha256 or sha1-gitblob: the digest's length is checked\n"
"  -h, --help   this text\n"
"Exit status: 0 printed, 1 NAME not pinned or its pin still a placeholder, 2 usage.\n";

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-pin", usage);
	static const struct option opts[] = {{"kind", required_argument, 0, 'k'}, {0, 0, 0, 0}};
	int kind = CT_MD5, c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'k' || (kind = ct_digest_kind_parse(optarg)) < 0)
			ct_usage_error("bad option");
	}
	if (argc - optind != 2)
		ct_usage_error("expected FILE and NAME");
	char hex[CT_HEX_MAX];
	ct_code code = ct_pin_lookup(argv[optind], (ct_digest_kind)kind, argv[optind + 1], hex, NULL);
	if (code == CT_OK)
		puts(hex);
	ct_exit(code);
}
