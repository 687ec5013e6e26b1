/* ct-pin: the pinned digest of one remote input, or a check of every pin a target needs (lib/pin.h). */
#include "cli.h"
#include "log.h"
#include "pin.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

static const char usage[] =
"usage: ct-pin [--kind KIND] [--missing-ok] FILE NAME\n"
"       ct-pin [--kind KIND] --check FILE [NAME...]\n"
"Print the digest pinned for NAME in the pin file FILE (lines \"HEX  NAME\", md5sum's layout;\n"
"'#' starts a comment).\n"
"\n"
"  --kind KIND   md5 (default), sha1, sha256 or sha1-gitblob: the digest's length is checked\n"
"  --missing-ok  NAME not pinned (no line names it, or FILE does not exist) is no error: print\n"
"                nothing and exit 0 (a pin still a placeholder is one)\n"
"  --check       print nothing; check that every pin in FILE is a digest of KIND, that no name\n"
"                is pinned twice with two digests and that each NAME is pinned. Every problem\n"
"                is named in one message. A target runs this for all its pins before its\n"
"                first download, so a missing pin stops it before any byte is fetched.\n"
"  -h, --help    this text\n"
"Exit status: 0 printed (or checked), 1 NAME not pinned or a pin malformed or still a\n"
"placeholder, 2 usage.\n";

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-pin", usage);
	enum { O_KIND = 1, O_MISSING_OK, O_CHECK };
	static const struct option opts[] = {{"kind", required_argument, 0, O_KIND},
		{"missing-ok", no_argument, 0, O_MISSING_OK}, {"check", no_argument, 0, O_CHECK}, {0, 0, 0, 0}};
	int kind = CT_MD5, missing_ok = 0, check = 0, c;
	while ((c = ct_getopt(argc, argv, "", opts)) != -1) {
		if (c == O_KIND && (kind = ct_digest_kind_parse(optarg)) < 0)
			ct_usage_error("--kind: '%s' is not md5, sha1, sha256 or sha1-gitblob", optarg);
		missing_ok |= c == O_MISSING_OK;
		check |= c == O_CHECK;
	}
	if (check) {
		if (missing_ok || argc - optind < 1)
			ct_usage_error("expected --check FILE [NAME...]");
		ct_exit(ct_pin_check(argv[optind], (ct_digest_kind)kind, (const char *const *)argv + optind + 1,
		                     (size_t)(argc - optind - 1)));
	}
	if (argc - optind != 2)
		ct_usage_error("expected FILE and NAME");
	const char *file = argv[optind], *name = argv[optind + 1];
	if (missing_ok && access(file, F_OK) != 0)
		ct_exit(CT_OK);
	char hex[CT_HEX_MAX];
	int found = 0;
	ct_code code = ct_pin_lookup(file, (ct_digest_kind)kind, name, hex, &found);
	if (code == CT_OK)
		puts(hex);
	ct_exit(missing_ok && code == CT_EDATA && !found ? CT_OK : code);
}
