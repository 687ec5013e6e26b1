/* sinoct.c: see sinoct.h. */
#include "sinoct.h"
#include "fs.h"
#include "log.h"
#include "table.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const what[CT_SINOCT_KINDS] = {
	"patient_id not a plain name", "label neither \"1,0\" nor \"0,1\"", "patient_id labelled twice",
	"studies in SRC without a label", "studies both a folder and a zip",
	"labelled studies missing from SRC (neither a folder nor a .zip)"};

static void note(ct_sinoct_problem *p, const char *name)
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

static ct_sinoct_study *find(ct_sinoct *st, const char *id)
{
	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->s[i].id, id))
			return &st->s[i];
	return NULL;
}

ct_code ct_sinoct_read_labels(ct_sinoct *st, const char *path)
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
			note(&st->p[!plain_name(id) ? CT_SINOCT_BAD_ID : label < 0 ? CT_SINOCT_BAD_LABEL : CT_SINOCT_TWICE], where);
			continue;
		}
		if (!(st->s[st->n].id = strdup(id))) {
			c = ct_fail(CT_ENOMEM, "out of memory");
			break;
		}
		st->s[st->n++].label = label;
	}
	ct_table_free(&t);
	return c;
}

/* SRC's folders and zips, matched to the labelled studies. */
ct_code ct_sinoct_scan_source(ct_sinoct *st, const char *src)
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
		ct_sinoct_study *s = find(st, id);
		if (!s)
			note(&st->p[CT_SINOCT_UNLABELLED], e->d_name);
		else if (s->found)
			note(&st->p[CT_SINOCT_BOTH], id);
		else
			s->found = 1, s->zipped = zip;
	}
	closedir(d);
	for (size_t i = 0; i < st->n; i++)
		if (!st->s[i].found)
			note(&st->p[CT_SINOCT_MISSING], st->s[i].id);
	return CT_OK;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const ct_sinoct_study *)a)->id, ((const ct_sinoct_study *)b)->id);
}

ct_code ct_sinoct_write(ct_sinoct *st, const char *mk, const char *csv)
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

ct_code ct_sinoct_check(ct_sinoct *st, const char *labels, const char *src)
{
	ct_code code = ct_sinoct_read_labels(st, labels);
	if (!code)
		code = ct_sinoct_scan_source(st, src);
	size_t problems = 0;
	for (size_t k = 0; !code && k < CT_SINOCT_KINDS; k++)
		if (st->p[k].count) {
			ct_warn("%s: %zu %s: %s%s", k < CT_SINOCT_UNLABELLED ? labels : src, st->p[k].count, what[k],
			        st->p[k].names, st->p[k].count > 10 ? ", ..." : "");
			problems += st->p[k].count;
		}
	if (!code && problems)
		code = ct_fail(CT_EDATA, "%s: %zu problems (above): nothing written", src, problems);
	if (!code && !st->n)
		code = ct_fail(CT_EDATA, "%s: no labelled study", labels);
	return code;
}

void ct_sinoct_free(ct_sinoct *st)
{
	for (size_t i = 0; i < st->n; i++)
		free(st->s[i].id);
	free(st->s);
	st->s = NULL;
	st->n = 0;
}
