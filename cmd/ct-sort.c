/* ct-sort: DICOM files into a tree named by their tags, with dicomsort's pattern language. */
#include "cli.h"
#include "log.h"
#include "pattern.h"
#include "sort.h"
#include "step.h"

#include <getopt.h>

static const char usage[] =
"usage: ct-sort [options] SOURCE TARGET/PATTERN\n"
"Sort the DICOM files under SOURCE into TARGET, named by PATTERN (dicomsort's language):\n"
"%Keyword stands for that DICOM element's value (any keyword of the DICOM dictionary, ended by\n"
"the first non-letter); a missing or empty value reads Unknown<Keyword>; in values each of\n"
"  +`~!@#$%^&*(){}[]/=\\|<>,.\":'  and space (and control characters) becomes '_'.\n"
"Values are decoded through their SpecificCharacterSet (ISO 8859, UTF-8, GB18030, ISO 2022\n"
"Japanese/Korean/Chinese; none: ISO 8859-1, as pydicom) and names are UTF-8; a byte that\n"
"cannot be decoded becomes '_'.\n"
"Without a '%' in the last argument, it is TARGET and the pattern is dicomsort's default:\n"
"  " CT_PATTERN_DEFAULT "\n"
"Reads headers only. Never aborts half-way and never overwrites: a target with identical\n"
"content is left as it is ('same'); one with other content makes the file take the next\n"
"free name NAME-1.dcm, NAME-2.dcm, ... with a warning. Non-DICOM files, unreadable files and\n"
"DICOMDIRs are skipped and counted (one that looks like DICOM but cannot be read with a warning\n"
"saying why: e.g. an element claiming more bytes than the file holds, which is never\n"
"allocated); files and directories whose name starts with '.' are not read (ct-fetch's\n"
".verified and journal, hidden files). No tag value can place a file outside TARGET.\n"
"\n"
"options:\n"
"  --link              hard links (the default; a copy where TARGET is on another file system)\n"
"  --symlink           symbolic links to the absolute source paths\n"
"  --copy              copies\n"
"  --move              moves (a link and an unlink, or a copy and an unlink)\n"
"  --keep-chars CHARS  characters not to replace in values, e.g. '.' so UIDs keep their dots\n"
"                      ('/' is never allowed)\n"
"  --list FILE         write SOURCE<TAB>TARGET<TAB>ACTION for every input file, ACTION one of\n"
"                      linked copied moved symlinked same renamed skipped-not-dicom\n"
"                      skipped-dicomdir skipped-unreadable skipped-error\n"
"  --series-dir FILE   every placed file must land in one directory (one series): write its\n"
"                      path to FILE, a line; several directories (or none) fail the run, exit 1.\n"
"                      FILE is removed first, so it exists only after a run that succeeded\n"
"  --threads N         threads reading headers (default: one per CPU)\n"
CT_STEP_USAGE
"  -h, --help          this text\n"
"Exit status: 0 every DICOM file placed (skips are not failures), 1 some file could not be\n"
"placed, SOURCE cannot be read or (--series-dir) the files are not in one directory, 2 usage.\n";

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-sort", usage);
	static const struct option longs[] = {
		{"link", no_argument, 0, 'l'}, {"symlink", no_argument, 0, 's'},
		{"copy", no_argument, 0, 'c'}, {"move", no_argument, 0, 'm'},
		{"keep-chars", required_argument, 0, 'k'}, {"list", required_argument, 0, 'L'},
		{"series-dir", required_argument, 0, 'S'}, {"threads", required_argument, 0, 'j'},
		CT_STEP_LONGOPTS, {0, 0, 0, 0}};
	ct_sort_opts o = {.mode = CT_PLACE_LINK};
	int c;
	while ((c = ct_getopt(argc, argv, "", longs)) != -1) {
		switch (c) {
		case 'l': o.mode = CT_PLACE_LINK; break;
		case 's': o.mode = CT_PLACE_SYMLINK; break;
		case 'c': o.mode = CT_PLACE_COPY; break;
		case 'm': o.mode = CT_PLACE_MOVE; break;
		case 'k': o.keep_chars = optarg; break;
		case 'L': o.list_path = optarg; break;
		case 'S': o.series_dir_path = optarg; break;
		case 'j': o.threads = (int)ct_cli_long("--threads", optarg, 1, 64); break;
		default: /* ct_getopt() refused every option not in the table */
			ct_step_option(c, optarg);
		}
	}
	if (argc - optind != 2)
		ct_usage_error("expected SOURCE and TARGET/PATTERN (see --help)");
	ct_step_begin();
	ct_sort_stats st;
	ct_code code = ct_sort(argv[optind], argv[optind + 1], &o, &st);
	if (code != CT_EUSAGE && st.files)
		ct_info("%zu files: %zu linked, %zu copied, %zu moved, %zu symlinked, %zu same, "
		        "%zu renamed; skipped %zu not DICOM, %zu DICOMDIR, %zu unreadable, %zu failed",
		        st.files, st.linked, st.copied, st.moved, st.symlinked, st.same, st.renamed,
		        st.not_dicom, st.dicomdir, st.unreadable, st.failed);
	if (code == CT_EUSAGE)
		ct_usage_error("%s", ct_errmsg());
	ct_step_exit(code);
}
