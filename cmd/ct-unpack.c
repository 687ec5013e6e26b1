/* ct-unpack: unpack an archive into a directory, all or nothing (lib/unpack.h). */
#include "unpack.h"
#include "cli.h"
#include "log.h"
#include "step.h"

#include <getopt.h>

static const char usage[] =
"usage: ct-unpack [options] ARCHIVE DIR\n"
"Unpack a zip (ZIP64 too), tar or tar.gz into DIR, all or nothing.\n"
"\n"
"Entries are written into a temporary directory beside DIR, renamed onto DIR only when the\n"
"whole archive was read (an older DIR is replaced then). The archive is refused, and nothing\n"
"is left behind, when an entry has an absolute path or a '..' segment, is a link leading out\n"
"of DIR, or is a device file, FIFO or socket, and when it is cut short: a zip is read through\n"
"its central directory (as unzip reads it), so one missing its end is refused, and so is an\n"
"entry whose data ends early. macOS metadata (__MACOSX/, ._*) is skipped.\n"
"\n"
"  --strip-top         when every entry sits under one top folder, unpack its contents into DIR\n"
CT_STEP_USAGE
"  -h, --help          this text\n"
"Exit status: 0 unpacked, 1 refused or unreadable archive, 2 usage.\n";

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-unpack", usage);
	static const struct option opts[] = {{"strip-top", no_argument, 0, 's'}, CT_STEP_LONGOPTS, {0, 0, 0, 0}};
	unsigned flags = 0;
	int c;
	while ((c = ct_getopt(argc, argv, "", opts)) != -1) {
		if (c == 's')
			flags |= CT_UNPACK_STRIP_TOP;
		else /* ct_getopt() refused every option not in the table */
			ct_step_option(c, optarg);
	}
	if (argc - optind != 2)
		ct_usage_error("expected ARCHIVE and DIR");
	ct_step_begin();
	ct_step_exit(ct_unpack(argv[optind], argv[optind + 1], flags));
}
