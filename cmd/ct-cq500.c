/* ct-cq500: CQ500's reads.csv (three radiologists' findings) as one label row per patient. */
#include "cli.h"
#include "fs.h"
#include "log.h"
#include "cq500.h"

static const char usage[] =
"usage: ct-cq500 READS.csv OUT.tsv\n"
"CQ500's reads.csv (columns name, Category, then R1:ICH ... R3:MidlineShift: each reader's 0/1\n"
"per finding) as OUT, one row per patient:\n"
"  name  dir  label  <finding>...\n"
"name is reads.csv's (CQ500-CT-<N>); dir the patient folder CT-FM's loader expects,\n"
"'CQ500CT<N> CQ500CT<N>'; label CT-FM's: 1 (abnormal) when any reader marked any finding (every\n"
"column but name and Category, as its get_cq500_datalist does with pandas any(): an empty cell\n"
"counts as 0), else 0; then one column per finding (in R1's order): 1 when more than half of\n"
"the readers who have a column for it marked it (two of three), else 0.\n"
"A value that is not a number, a name not CQ500-CT-<N>, a name twice, or no R<k>: column is\n"
"an error naming the file and line. OUT is written atomically.\n"
"  -h, --help   this text\n"
"Exit status: 0 written, 1 bad input, 2 usage.\n";

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-cq500", usage);
	static const struct option none[] = {{0, 0, 0, 0}};
	while (ct_getopt(argc, argv, "", none) != -1)
		; /* no options: ct_getopt refuses any */
	if (argc - optind != 2)
		ct_usage_error("expected READS.csv and OUT.tsv");
	const char *in = argv[optind], *out = argv[optind + 1];
	ct_table t;
	ct_code c = ct_table_read(in, ',', &t);
	if (c)
		ct_exit(c);
	ct_atomic a;
	if (!(c = ct_atomic_open(&a, out))) {
		if ((c = ct_cq500_labels(&t, in, ct_atomic_stream(&a))))
			ct_atomic_abort(&a);
		else
			c = ct_atomic_commit(&a);
	}
	ct_table_free(&t);
	ct_exit(c);
}
