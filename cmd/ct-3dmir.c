/* ct-3dmir: 3D-MIR's label and split tables joined to the MSD images they name. */
#include "cli.h"
#include "table.h"
#include "fs.h"
#include "log.h"

#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
"usage: ct-3dmir --msd DIR --csv DIR OUT\n"
"Join the 3D-MIR tables to the Medical Segmentation Decathlon images and write OUT (TSV), one\n"
"row per image of each organ's retrieval split:\n"
"  task  image  organ  lesion_group  cancer_flag  split\n"
"task is the organ whose split lists the image, organ the image's own organ: a split may list\n"
"images of other organs (the liver train split names pancreas_212.nii.gz), and such a row keeps\n"
"task = the split's organ while organ, lesion_group and cancer_flag come from the image's own\n"
"organ's labels table and image points into that organ's MSD task. image is the NIfTI's path\n"
"relative to OUT's directory, split train or test. The tables are read from --csv DIR:\n"
"  Data/3DMIR_labels/<organ>_labels_and_captions.csv   (name, organ, lesion_group, cancer_flag, …)\n"
"  Data/Data_Splits/<organ>_full_{train,test}_split.csv  (a 'training' or 'testing' column of\n"
"                                                       image names; train splits lead with an\n"
"                                                       unnamed index column)\n"
"for the organs liver, colon, pancreas and lung, whose images are looked up in --msd DIR under\n"
"Task03_Liver, Task10_Colon, Task07_Pancreas and Task06_Lung (imagesTr, then imagesTs).\n"
"Every image named must be labelled and present. OUT is written atomically.\n"
"  -h, --help   this text\n"
"Exit status: 0 written, 1 a table or an image missing or malformed, 2 usage.\n";

static const char *const organs[][2] = {
	{"liver", "Task03_Liver"}, {"colon", "Task10_Colon"}, {"pancreas", "Task07_Pancreas"}, {"lung", "Task06_Lung"}};
enum { NORGANS = 4 };

typedef struct {
	ct_table labels[NORGANS];
	const char *msd, *msd_rel; /* MSD as given, and as seen from OUT's directory */
} join;

static ct_code read_table(const char *csvdir, const char *fmt, const char *organ, const char *kind, ct_table *t)
{
	char path[4096];
	snprintf(path, sizeof path, fmt, csvdir, organ, kind);
	return ct_table_read(path, ',', t);
}

/* The labels row of an image name: its organ's table is found from the name's prefix. */
static ct_code find_label(const join *j, const char *name, const char *where, const ct_csv_row **row, int *org)
{
	for (int o = 0; o < NORGANS; o++) {
		size_t n = strlen(organs[o][0]);
		if (strncmp(name, organs[o][0], n) || name[n] != '_')
			continue;
		const ct_table *t = &j->labels[o];
		int col = ct_table_column(t, "name");
		for (size_t i = 1; col >= 0 && i < t->n; i++)
			if (!strcmp(t->row[i].field[col], name)) {
				*row = &t->row[i];
				*org = o;
				return CT_OK;
			}
	}
	return ct_fail(CT_EDATA, "%s: image %s has no row in any labels table", where, name);
}

/* The image's path under MSD (imagesTr, then imagesTs), relative to OUT's directory. */
static ct_code image_path(const join *j, int org, const char *name, char *out, size_t cap)
{
	static const char *const subs[] = {"imagesTr", "imagesTs"};
	for (int s = 0; s < 2; s++) {
		char p[4096];
		struct stat st;
		snprintf(p, sizeof p, "%s/%s/%s/%s", j->msd, organs[org][1], subs[s], name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			snprintf(out, cap, "%s/%s/%s/%s", j->msd_rel, organs[org][1], subs[s], name);
			return CT_OK;
		}
	}
	return ct_fail(CT_EDATA, "%s: not in %s/%s/imagesTr or imagesTs", name, j->msd, organs[org][1]);
}

static ct_code split_rows(const join *j, const char *csvdir, int task, const char *kind, FILE *f)
{
	ct_table t;
	ct_code c = read_table(csvdir, "%s/Data/Data_Splits/%s_full_%s_split.csv", organs[task][0], kind, &t);
	if (c)
		return c;
	/* The image column by its name: train splits lead with an unnamed index column, test splits
	 * have none. */
	char where[64];
	snprintf(where, sizeof where, "%s split of %s", kind, organs[task][0]);
	int col = 0;
	c = ct_table_need(&t, where, !strcmp(kind, "train") ? "training" : "testing", &col);
	for (size_t i = 1; c == CT_OK && i < t.n; i++) {
		const char *name = t.row[i].field[col];
		const ct_csv_row *lab = NULL;
		int org = 0, cn, cg, cf;
		char img[4096];
		if ((c = find_label(j, name, organs[task][0], &lab, &org)) || (c = image_path(j, org, name, img, sizeof img)))
			break;
		const ct_table *lt = &j->labels[org];
		cn = ct_table_column(lt, "organ"), cg = ct_table_column(lt, "lesion_group"), cf = ct_table_column(lt, "cancer_flag");
		char *row[] = {(char *)organs[task][0], img, lab->field[cn], lab->field[cg], lab->field[cf], (char *)kind};
		ct_table_put_row(f, row, 6, '\t');
	}
	ct_table_free(&t);
	return c;
}

static ct_code run(join *j, const char *csvdir, const char *out)
{
	ct_code c = CT_OK;
	for (int o = 0; c == CT_OK && o < NORGANS; o++) {
		int dummy;
		char where[64];
		snprintf(where, sizeof where, "%s labels", organs[o][0]);
		if (!(c = read_table(csvdir, "%s/Data/3DMIR_labels/%s_labels_and_captions.csv", organs[o][0], "", &j->labels[o])))
			for (const char *const *col = (const char *const[]){"name", "organ", "lesion_group", "cancer_flag", NULL};
			     c == CT_OK && *col; col++)
				c = ct_table_need(&j->labels[o], where, *col, &dummy);
	}
	ct_atomic a;
	if (c || (c = ct_atomic_open(&a, out)))
		return c;
	FILE *f = ct_atomic_stream(&a);
	fputs("task\timage\torgan\tlesion_group\tcancer_flag\tsplit\n", f);
	for (int o = 0; c == CT_OK && o < NORGANS; o++)
		if (!(c = split_rows(j, csvdir, o, "train", f)))
			c = split_rows(j, csvdir, o, "test", f);
	if (c) {
		ct_atomic_abort(&a);
		return c;
	}
	return ct_atomic_commit(&a);
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-3dmir", usage);
	static const struct option opts[] = {
		{"msd", required_argument, 0, 'm'}, {"csv", required_argument, 0, 'c'}, {0, 0, 0, 0}};
	const char *csvdir = NULL;
	join j = {0};
	int c;
	while ((c = ct_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'm')
			j.msd = optarg;
		else if (c == 'c')
			csvdir = optarg;
	}
	if (!j.msd || !csvdir || argc - optind != 1)
		ct_usage_error("expected --msd DIR --csv DIR OUT");
	const char *out = argv[optind];
	char *outcopy = strdup(out);
	char *rel = outcopy ? ct_path_relative(j.msd, dirname(outcopy)) : NULL;
	ct_code code = rel ? CT_OK : ct_fail_errno(CT_EDATA, "%s: cannot resolve it from %s's directory", j.msd, out);
	j.msd_rel = rel;
	if (code == CT_OK)
		code = run(&j, csvdir, out);
	for (int o = 0; o < NORGANS; o++)
		ct_table_free(&j.labels[o]);
	free(rel);
	free(outcopy);
	ct_exit(code);
}
