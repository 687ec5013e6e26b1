/* ct-datalist: a MONAI-style datalist.json from an MSD dataset.json or from a table. */
#include "cli.h"
#include "table.h"
#include "datalist.h"
#include "fs.h"
#include "log.h"
#include "pyrandom.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
"usage: ct-datalist msd OUT TASKDIR...\n"
"       ct-datalist table [options] OUT TABLE\n"
"Write a MONAI-style datalist OUT ({\"training\": [...], \"validation\": [...], \"testing\": [...]}),\n"
"every path relative to OUT's directory, every file it names checked to exist. OUT is written\n"
"atomically.\n"
"\n"
"msd: from each Medical Segmentation Decathlon task's dataset.json (every TASKDIR under OUT's\n"
"  directory): training → training ({image, label, task}), test → testing ({image, task}).\n"
"table: one item per row of TABLE (CSV or TSV, delimiter guessed), its section from the split\n"
"  column (train/val/test or training/validation/testing; other rows are left out), or drawn\n"
"  by --random-split:\n"
"  --split-column COL  the split column (default split)\n"
"  --image PATTERN     the image path; {COL} stands for that column's value (required)\n"
"  --label PATTERN     a label path, like --image\n"
"  --int-label COL     the label is COL's value as an integer\n"
"  --extra COL         also copy COL's value into each item, under its name (repeatable)\n"
"  --id COL            an \"id\" in each item: COL's value\n"
"  --random-split A,B,C  instead of a split column, CT-FM's random split (_get_patient_dirs in\n"
"                      its data/get_datalist.py): the rows sorted by --sort-by COL (byte order,\n"
"                      as Python sorts the folder names), shuffled as random.seed(--seed);\n"
"                      random.shuffle() does, then the first int(A*n) are training, up to\n"
"                      int((A+B)*n) validation, the rest testing, each section in shuffled order\n"
"                      (A,B,C ratios summing to 1, e.g. 0.8,0.1,0.1; 0,0,1: all testing)\n"
"  --sort-by COL       the column the rows are sorted by before the shuffle (with --random-split)\n"
"  --seed N            the shuffle's seed (default 0, CT-FM's)\n"
"  -h, --help          this text\n"
"Exit status: 0 written, 1 bad input or a missing file, 2 usage.\n";

typedef struct {
	const char *split_col, *image, *label, *int_label, *id, *sort_by;
	const char *extra[16];
	int nextra;
	int random;          /* --random-split given */
	double ratio[3];
	unsigned long long seed;
} table_opts;

/* TASKDIR relative to base (both resolved), or NULL when it is not below base. */
static char *relative_to(const char *dir, const char *base)
{
	char *rel = ct_path_relative(dir, base);
	if (rel && (!strcmp(rel, ".") || !strcmp(rel, "..") || !strncmp(rel, "../", 3))) {
		free(rel);
		rel = NULL;
	}
	return rel;
}

static ct_code add_task(ct_datalist *d, const char *taskdir, const char *base)
{
	char *prefix = relative_to(taskdir, base);
	if (!prefix)
		return ct_fail(CT_EUSAGE, "%s: not a directory under %s", taskdir, base);
	char *path = ct_path_join(taskdir, "dataset.json");
	ct_code c = path ? ct_datalist_add_msd(d, path, prefix, base) : ct_fail(CT_ENOMEM, "out of memory");
	free(path);
	free(prefix);
	return c;
}

/* PATTERN with {COL} replaced by the row's values; malloc'd, NULL on a bad pattern. */
static char *expand(const char *pat, const ct_table *t, const ct_csv_row *r, const char *where)
{
	size_t longest = 0, braces = 0, n = 0;
	for (size_t i = 0; i < r->n; i++)
		longest = strlen(r->field[i]) > longest ? strlen(r->field[i]) : longest;
	for (const char *p = pat; *p; p++)
		braces += *p == '{';
	size_t cap = strlen(pat) + 1 + braces * longest; /* a column may be named twice */
	char *out = malloc(cap);
	for (const char *p = pat; out && *p; p++) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (!close) {
			out[n++] = *p;
			continue;
		}
		char col[256];
		snprintf(col, sizeof col, "%.*s", (int)(close - p - 1), p + 1);
		int i = ct_table_column(t, col);
		if (i < 0) {
			ct_fail(CT_EDATA, "%s: pattern '%s' names no column '%s'", where, pat, col);
			free(out);
			return NULL;
		}
		n += (size_t)sprintf(out + n, "%s", r->field[i]);
		p = close;
	}
	if (out)
		out[n] = 0;
	return out;
}

static ct_code table_item(const ct_table *t, const ct_csv_row *r, const table_opts *o, const char *base,
                          const char *where, json_t **item)
{
	char *img = expand(o->image, t, r, where), *lab = o->label ? expand(o->label, t, r, where) : NULL;
	ct_code c = !img || (o->label && !lab) ? CT_EDATA : ct_datalist_check_file(base, img, where);
	if (c == CT_OK && lab)
		c = ct_datalist_check_file(base, lab, where);
	if (c == CT_OK) {
		*item = json_object();
		if (o->id)
			json_object_set_new(*item, "id", json_string(r->field[ct_table_column(t, o->id)]));
		json_object_set_new(*item, "image", json_string(img));
		if (lab)
			json_object_set_new(*item, "label", json_string(lab));
		for (int k = 0; k < o->nextra; k++)
			json_object_set_new(*item, o->extra[k], json_string(r->field[ct_table_column(t, o->extra[k])]));
		if (o->int_label) {
			const char *v = r->field[ct_table_column(t, o->int_label)];
			char *end;
			errno = 0;
			long long x = strtoll(v, &end, 10);
			if (errno || end == v || *end) {
				json_decref(*item);
				c = ct_fail(CT_EDATA, "%s:%ld: label '%s' is not an integer", where, r->line, v);
			} else
				json_object_set_new(*item, "label", json_integer(x));
		}
	}
	free(img);
	free(lab);
	return c;
}

static const ct_table *sort_table;
static int sort_col;

static int by_sort_column(const void *a, const void *b)
{
	const ct_csv_row *ra = &sort_table->row[*(const size_t *)a], *rb = &sort_table->row[*(const size_t *)b];
	return strcmp(ra->field[sort_col], rb->field[sort_col]);
}

/* The rows (indices into t) in CT-FM's random order, and where training and validation end. */
static ct_code random_order(const ct_table *t, const table_opts *o, const char *path, size_t **order, size_t cut[2])
{
	size_t n = t->n - 1;
	ct_code c = ct_table_need(t, path, o->sort_by, &sort_col);
	if (c)
		return c;
	if (!(*order = malloc((n ? n : 1) * sizeof **order)))
		return ct_fail(CT_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		(*order)[i] = i + 1;
	sort_table = t;
	qsort(*order, n, sizeof **order, by_sort_column);
	for (size_t i = 1; i < n; i++)
		if (!by_sort_column(&(*order)[i - 1], &(*order)[i])) {
			free(*order);
			return ct_fail(CT_EDATA, "%s: '%s' appears twice in column %s (the split needs distinct names)",
			               path, t->row[(*order)[i]].field[sort_col], o->sort_by);
		}
	ct_pyrandom r;
	ct_pyrandom_seed(&r, o->seed);
	ct_pyrandom_shuffle(&r, *order, n);
	/* Python's int() of the same double products: int(a * n), int((a + b) * n). */
	cut[0] = (size_t)(o->ratio[0] * (double)n);
	cut[1] = (size_t)((o->ratio[0] + o->ratio[1]) * (double)n);
	return CT_OK;
}

static ct_code add_table(ct_datalist *d, const char *path, const table_opts *o, const char *base)
{
	ct_table t;
	ct_code c = ct_table_read(path, 0, &t);
	if (c)
		return c;
	int split = -1, dummy;
	if (!o->random)
		c = ct_table_need(&t, path, o->split_col, &split);
	if (c == CT_OK && o->int_label)
		c = ct_table_need(&t, path, o->int_label, &dummy);
	if (c == CT_OK && o->id)
		c = ct_table_need(&t, path, o->id, &dummy);
	for (int k = 0; c == CT_OK && k < o->nextra; k++)
		c = ct_table_need(&t, path, o->extra[k], &dummy);
	size_t *order = NULL, cut[2] = {0, 0};
	if (c == CT_OK && o->random)
		c = random_order(&t, o, path, &order, cut);
	size_t skipped = 0;
	for (size_t k = 0; c == CT_OK && k + 1 < t.n; k++) {
		const ct_csv_row *r = &t.row[order ? order[k] : k + 1];
		const char *section = order ? (k < cut[0] ? "training" : k < cut[1] ? "validation" : "testing")
		                            : ct_datalist_section(r->field[split]);
		json_t *item;
		if (!section)
			skipped++;
		else if (!(c = table_item(&t, r, o, base, path, &item)))
			c = ct_datalist_add(d, section, item);
	}
	if (c == CT_OK && skipped)
		ct_info("%s: %zu rows without a train/val/test split left out", path, skipped);
	free(order);
	ct_table_free(&t);
	return c;
}

/* "0.8,0.1,0.1" */
static void parse_ratios(const char *arg, double ratio[3])
{
	char *end;
	const char *p = arg;
	for (int k = 0; k < 3; k++) {
		ratio[k] = strtod(p, &end);
		if (end == p || ratio[k] < 0 || ratio[k] > 1 || *end != (k < 2 ? ',' : 0))
			ct_usage_error("--random-split: '%s' is not three ratios A,B,C", arg);
		p = end + 1;
	}
	if (fabs(ratio[0] + ratio[1] + ratio[2] - 1) > 1e-9)
		ct_usage_error("--random-split: '%s' does not sum to 1", arg);
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-datalist", usage);
	static const struct option opts[] = {
		{"split-column", required_argument, 0, 's'}, {"image", required_argument, 0, 'i'},
		{"label", required_argument, 0, 'l'}, {"int-label", required_argument, 0, 'n'},
		{"extra", required_argument, 0, 'e'}, {"id", required_argument, 0, 'd'},
		{"random-split", required_argument, 0, 'r'}, {"sort-by", required_argument, 0, 'b'},
		{"seed", required_argument, 0, 'S'}, {0, 0, 0, 0}};
	table_opts o = {.split_col = "split"};
	int c;
	while ((c = ct_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 's': o.split_col = optarg; break;
		case 'i': o.image = optarg; break;
		case 'l': o.label = optarg; break;
		case 'n': o.int_label = optarg; break;
		case 'e':
			if (o.nextra == 16)
				ct_usage_error("--extra: at most 16 columns");
			o.extra[o.nextra++] = optarg;
			break;
		case 'd': o.id = optarg; break;
		case 'r': o.random = 1; parse_ratios(optarg, o.ratio); break;
		case 'b': o.sort_by = optarg; break;
		case 'S': o.seed = (unsigned long long)ct_cli_long("--seed", optarg, 0, LONG_MAX); break;
		}
	}
	if (o.random != !!o.sort_by)
		ct_usage_error("--random-split and --sort-by go together");
	/* The mode word is the first operand (options may come before or after it). */
	const char *mode = optind < argc ? argv[optind++] : "";
	int msd = !strcmp(mode, "msd"), table = !strcmp(mode, "table");
	if (!msd && !table)
		ct_usage_error("the first argument is 'msd' or 'table', not '%s'", mode);
	if (argc - optind < 2 || (table && (argc - optind != 2 || !o.image)) || (o.label && o.int_label))
		ct_usage_error("expected 'msd OUT TASKDIR...' or 'table --image PATTERN OUT TABLE'");
	const char *out = argv[optind];
	char *outcopy = strdup(out), *base = outcopy ? dirname(outcopy) : NULL;
	ct_datalist d;
	ct_code code = base ? ct_datalist_init(&d) : ct_fail(CT_ENOMEM, "out of memory");
	for (int i = optind + 1; code == CT_OK && i < argc; i++)
		code = msd ? add_task(&d, argv[i], base) : add_table(&d, argv[i], &o, base);
	if (code == CT_OK)
		code = ct_datalist_write(&d, out);
	if (base)
		ct_datalist_free(&d);
	free(outcopy);
	ct_exit(code);
}
