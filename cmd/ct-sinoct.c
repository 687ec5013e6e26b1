/* ct-sinoct: a SinoCT download checked against its labels table, its studies named for Make. */
#include "cli.h"
#include "fs.h"
#include "log.h"
#include "table.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
"usage: ct-sinoct [--labels FILE] SRC OUT.mk LABELS.csv\n"
"Check a SinoCT download (Stanford AIMI; fetched by hand: it needs a login and a research-use\n"
"agreement) against its labels table, and name its studies for make downstream-sinoct.\n"
"SRC holds:\n"
"  labels.csv          the labels (or --labels FILE): a column patient_id and a column label,\n"
"                      \"1,0\" normal or \"0,1\" abnormal (the table CT-FM's loader reads; other\n"
"                      columns are ignored; comma, ';' or tab separated, BOM and CRLF accepted)\n"
"  <patient_id>/       each study's DICOM files, at any depth and under any names, or\n"
"  <patient_id>.zip    the same, zipped\n"
"Other files and hidden entries in SRC are ignored. Every labelled study must be there, every\n"
"study labelled, once (not both a folder and a zip); a patient_id must be a plain name (letters,\n"
"digits, '.', '_', '-'; not starting with '.'), since it names a folder and a Make target. Each\n"
"kind of problem is reported with the first names and a count, and nothing is written.\n"
"OUT.mk:     SINOCT_STUDIES := <every patient_id, in byte order>\n"
"            SINOCT_ZIPPED := <those that are zips>\n"
"LABELS.csv: patient_id,label,abnormal (abnormal: 1 for \"0,1\", 0 for \"1,0\"), in SRC's order.\n"
"Both are written atomically.\n"
"  -h, --help   this text\n"
"Exit status: 0 written, 1 a study or label missing or malformed, 2 usage.\n";

typedef struct {
	char *id;
	int label, zipped, found;   /* label: 0 normal, 1 abnormal */
} study;

typedef struct {
	study *s;
	size_t n;
} studies;

/* A problem kind: the first names and how many. */
typedef struct {
	const char *what;
	char names[400];
	size_t count;
} problem;

static void note(problem *p, const char *name)
{
	if (p->count++ < 10)
		snprintf(p->names + strlen(p->names), sizeof p->names - strlen(p->names), "%s%s", p->count > 1 ? ", " : "", name);
}

static int plain_name(const char *s)
{
	if (!*s || *s == '.')
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *s))
			return 0;
	return 1;
}

/* "1,0" → 0, "0,1" → 1 (spaces ignored), else -1. */
static int parse_label(const char *v)
{
	char c[8];
	size_t n = 0;
	for (; *v && n < sizeof c - 1; v++)
		if (*v != ' ')
			c[n++] = *v;
	c[n] = 0;
	return !strcmp(c, "1,0") ? 0 : !strcmp(c, "0,1") ? 1 : -1;
}

static study *find(studies *st, const char *id)
{
	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->s[i].id, id))
			return &st->s[i];
	return NULL;
}

static ct_code read_labels(const char *path, studies *st, problem *bad)
{
	ct_table t;
	int idc, labc;
	ct_code c = ct_table_read(path, 0, &t);
	if (c)
		return c;
	if ((c = ct_table_need(&t, path, "patient_id", &idc)) || (c = ct_table_need(&t, path, "label", &labc)) ||
	    !(st->s = calloc(t.n, sizeof *st->s))) {
		ct_table_free(&t);
		return c ? c : ct_fail(CT_ENOMEM, "out of memory");
	}
	for (size_t r = 1; r < t.n; r++) {
		const char *id = t.row[r].field[idc];
		int label = parse_label(t.row[r].field[labc]);
		char where[300];
		snprintf(where, sizeof where, "line %ld: %.200s", t.row[r].line, id);
		if (!plain_name(id) || label < 0 || find(st, id)) {
			note(&bad[!plain_name(id) ? 0 : label < 0 ? 1 : 2], where);
			continue;
		}
		st->s[st->n++] = (study){.id = strdup(id), .label = label};
	}
	ct_table_free(&t);
	return CT_OK;
}

/* SRC's folders and zips, matched to the labelled studies. */
static ct_code scan_source(const char *src, studies *st, problem *p)
{
	DIR *d = opendir(src);
	if (!d)
		return ct_fail_errno(CT_EDATA, "%s", src);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *path = ct_path_join(src, e->d_name);
		struct stat sb;
		int dir = path && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
		size_t len = strlen(e->d_name);
		int zip = !dir && len > 4 && !strcmp(e->d_name + len - 4, ".zip");
		free(path);
		if (!dir && !zip)
			continue;
		char id[256];
		snprintf(id, sizeof id, "%.*s", (int)(zip ? len - 4 : len), e->d_name);
		study *s = find(st, id);
		if (!s)
			note(&p[3], e->d_name);
		else if (s->found)
			note(&p[4], id);
		else
			s->found = 1, s->zipped = zip;
	}
	closedir(d);
	for (size_t i = 0; i < st->n; i++)
		if (!st->s[i].found)
			note(&p[5], st->s[i].id);
	return CT_OK;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const study *)a)->id, ((const study *)b)->id);
}

static ct_code write_outputs(studies *st, const char *mk, const char *csv)
{
	ct_atomic a, b;
	ct_code c = ct_atomic_open(&b, csv);
	if (c)
		return c;
	FILE *f = ct_atomic_stream(&b);
	fputs("patient_id,label,abnormal\n", f);
	for (size_t i = 0; i < st->n; i++)
		fprintf(f, "%s,\"%s\",%d\n", st->s[i].id, st->s[i].label ? "0,1" : "1,0", st->s[i].label);
	qsort(st->s, st->n, sizeof *st->s, by_id);
	if ((c = ct_atomic_open(&a, mk))) {
		ct_atomic_abort(&b);
		return c;
	}
	f = ct_atomic_stream(&a);
	fputs("SINOCT_STUDIES :=", f);
	for (size_t i = 0; i < st->n; i++)
		fprintf(f, " %s", st->s[i].id);
	fputs("\nSINOCT_ZIPPED :=", f);
	for (size_t i = 0; i < st->n; i++)
		if (st->s[i].zipped)
			fprintf(f, " %s", st->s[i].id);
	fputc('\n', f);
	if ((c = ct_atomic_commit(&b)))
		ct_atomic_abort(&a);
	else
		c = ct_atomic_commit(&a);
	return c;
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-sinoct", usage);
	static const struct option opts[] = {{"labels", required_argument, 0, 'l'}, {0, 0, 0, 0}};
	const char *labels = NULL;
	int c;
	while ((c = ct_getopt(argc, argv, "", opts)) != -1)
		labels = optarg; /* --labels, the only option */
	if (argc - optind != 3)
		ct_usage_error("expected SRC, OUT.mk and LABELS.csv");
	const char *src = argv[optind];
	char *lpath = labels ? strdup(labels) : ct_path_join(src, "labels.csv");
	problem p[] = {{"patient_id not a plain name", "", 0}, {"label neither \"1,0\" nor \"0,1\"", "", 0},
	               {"patient_id labelled twice", "", 0}, {"studies in SRC without a label", "", 0},
	               {"studies both a folder and a zip", "", 0},
	               {"labelled studies missing from SRC (neither a folder nor a .zip)", "", 0}};
	studies st = {0};
	ct_code code = read_labels(lpath, &st, p);
	if (!code)
		code = scan_source(src, &st, p);
	size_t problems = 0;
	for (size_t k = 0; !code && k < sizeof p / sizeof *p; k++)
		if (p[k].count) {
			ct_warn("%s: %zu %s: %s%s", k < 3 ? lpath : src, p[k].count, p[k].what, p[k].names, p[k].count > 10 ? ", ..." : "");
			problems += p[k].count;
		}
	if (!code && problems)
		code = ct_fail(CT_EDATA, "%s: %zu problems (above): nothing written", src, problems);
	if (!code && !st.n)
		code = ct_fail(CT_EDATA, "%s: no labelled study", lpath);
	if (!code)
		code = write_outputs(&st, argv[optind + 1], argv[optind + 2]);
	for (size_t i = 0; i < st.n; i++)
		free(st.s[i].id);
	free(st.s);
	free(lpath);
	ct_exit(code);
}
