/* ct-csv: one plain comma-separated form of a downloaded table (lib/table.h), and TotalSegmentator's
 * vista_split column from a VISTA-style folds JSON. */
#include "cli.h"
#include "table.h"
#include "fs.h"
#include "log.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
"usage: ct-csv [--sep C] [--present DIR] [--vista-folds FILE [--fold N]] [--id-column COL] IN OUT\n"
"Rewrite the table IN as OUT: comma-separated, UTF-8 without BOM, LF line ends, fields quoted\n"
"only where needed, the same columns and rows. IN's delimiter is guessed from its header\n"
"(';', tab or ',') unless --sep gives it (a character, or 'tab').\n"
"\n"
"  --vista-folds FILE  add a column vista_split from a VISTA-style folds JSON\n"
"                      ({\"training\": [{\"image\": …, \"fold\": n}, …], \"testing\": […]}): a training\n"
"                      entry of fold N is 'val', of any other fold 'train', a testing entry\n"
"                      'test'; a row the JSON does not name gets an empty vista_split. An entry\n"
"                      names a row when a segment of its image path equals the row's id.\n"
"  --fold N            the validation fold (default 0)\n"
"  --present DIR       keep only the rows whose id names something in DIR (DIR/<id>); the\n"
"                      others are counted on stderr (a table may list more cases than an\n"
"                      archive holds)\n"
"  --id-column COL     the id column (default image_id)\n"
"  -h, --help          this text\n"
"OUT is written atomically. Exit status: 0 done, 1 bad input, 2 usage.\n";

/* The folds JSON as a map image id → split, restricted to the ids in column id of t. */
static ct_code folds_map(const char *path, long fold, const ct_table *t, int id, json_t **out)
{
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err), *map = json_object();
	if (!root || !map) {
		json_decref(map);
		return ct_fail(CT_EDATA, "%s: line %d: %s", path, err.line, err.text);
	}
	json_t *known = json_object();
	for (size_t i = 1; i < t->n; i++)
		json_object_set_new(known, t->row[i].field[id], json_true());
	static const char *const keys[] = {"training", "validation", "testing"};
	for (int k = 0; k < 3; k++) {
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(root, keys[k]), i, e) {
			const char *img = json_string_value(json_object_get(e, "image"));
			json_t *f = json_object_get(e, "fold");
			const char *split = k == 2 ? "test" : k == 1 || (json_is_integer(f) && json_integer_value(f) == fold) ? "val" : "train";
			char *p = strdup(img ? img : ""), *save = NULL;
			for (char *seg = strtok_r(p, "/", &save); seg; seg = strtok_r(NULL, "/", &save))
				if (json_object_get(known, seg))
					json_object_set_new(map, seg, json_string(split));
			free(p);
		}
	}
	json_decref(known);
	json_decref(root);
	*out = map;
	return CT_OK;
}

static int present(const char *dir, const char *name)
{
	char *p = ct_path_join(dir, name);
	int yes = p && *name && !strchr(name, '/') && access(p, F_OK) == 0;
	free(p);
	return yes;
}

static ct_code write_table(const ct_table *t, json_t *vista, const char *dir, int id, const char *in,
                           const char *out)
{
	ct_atomic a;
	ct_code c = ct_atomic_open(&a, out);
	if (c)
		return c;
	FILE *f = ct_atomic_stream(&a);
	size_t absent = 0;
	const char *first = NULL;
	for (size_t i = 0; i < t->n; i++) {
		const ct_csv_row *r = &t->row[i];
		if (i > 0 && dir && !present(dir, r->field[id])) {
			first = first ? first : r->field[id];
			absent++;
			continue;
		}
		if (!vista) {
			ct_table_put_row(f, r->field, r->n, ',');
			continue;
		}
		for (size_t j = 0; j < r->n; j++) {
			ct_table_put(f, r->field[j], ',');
			fputc(',', f);
		}
		const char *s = i == 0 ? "vista_split" : json_string_value(json_object_get(vista, r->field[id]));
		ct_table_put(f, s ? s : "", ',');
		fputc('\n', f);
	}
	if (absent)
		ct_warn("%s: %zu of %zu rows name nothing in %s (the first: %s): left out", in, absent,
		        t->n - 1, dir, first);
	return ct_atomic_commit(&a);
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-csv", usage);
	static const struct option opts[] = {
		{"sep", required_argument, 0, 's'}, {"vista-folds", required_argument, 0, 'v'},
		{"fold", required_argument, 0, 'f'}, {"id-column", required_argument, 0, 'i'},
		{"present", required_argument, 0, 'p'}, {0, 0, 0, 0}};
	char sep = 0;
	const char *folds = NULL, *idcol = "image_id", *dir = NULL;
	long fold = 0;
	int c;
	while ((c = ct_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 's':
			sep = !strcmp(optarg, "tab") ? '\t' : optarg[0];
			if (!sep || (optarg[1] && strcmp(optarg, "tab")))
				ct_usage_error("--sep: one character or 'tab'");
			break;
		case 'v': folds = optarg; break;
		case 'f': fold = ct_cli_long("--fold", optarg, 0, 1000); break;
		case 'i': idcol = optarg; break;
		case 'p': dir = optarg; break;
		}
	}
	if (argc - optind != 2)
		ct_usage_error("expected IN and OUT");
	const char *in = argv[optind], *out = argv[optind + 1];
	ct_table t;
	ct_code code = ct_table_read(in, sep, &t);
	if (code)
		ct_exit(code);
	json_t *vista = NULL;
	int id = -1;
	if (folds || dir)
		code = ct_table_need(&t, in, idcol, &id);
	if (!code && folds)
		code = folds_map(folds, fold, &t, id, &vista);
	if (code == CT_OK)
		code = write_table(&t, vista, dir, id, in, out);
	json_decref(vista);
	ct_table_free(&t);
	ct_exit(code);
}
