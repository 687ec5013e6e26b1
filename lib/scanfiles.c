/* scanfiles.c: see scanfiles.h. */
#include "scanfiles.h"
#include "fs.h"
#include "tsv.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *ct_scan_path(const char *root, const char *uuid, ct_scan_file which)
{
	switch (which) {
	case CT_SCAN_DIR: return ct_pathf("%s/dicom/%s", root, uuid);
	case CT_SCAN_VERIFIED: return ct_pathf("%s/dicom/%s/.verified", root, uuid);
	case CT_SCAN_SORT_LIST: return ct_pathf("%s/dicom/%s/.sort-list.tsv", root, uuid);
	case CT_SCAN_SERIES_DIR: return ct_pathf("%s/dicom/%s/.scandir", root, uuid);
	case CT_SCAN_RECORD: return ct_pathf("%s/records/%s.tsv", root, uuid);
	case CT_SCAN_FAILURE: return ct_pathf("%s/failed/%s.tsv", root, uuid);
	}
	return NULL;
}

/* The whole of one of the scan's files; CT_EIO (quietly: the caller decides) when absent. */
static ct_code read_scan_file(const char *root, const char *uuid, ct_scan_file which, char **buf)
{
	char *path = ct_scan_path(root, uuid, which);
	ct_code c = path ? ct_read_file(path, buf, NULL) : ct_fail(CT_ENOMEM, "out of memory");
	free(path);
	return c;
}

static ct_code scan_file_exists(const char *root, const char *uuid, ct_scan_file which, int *yes)
{
	char *path = ct_scan_path(root, uuid, which);
	if (!path)
		return ct_fail(CT_ENOMEM, "out of memory");
	*yes = access(path, F_OK) == 0;
	free(path);
	return CT_OK;
}

/* Lines of a .verified record that name an object: not the "#" line, NAME TAB SIZE ... */
static char *next_object(char **save, char *text, char **size)
{
	for (char *l = strtok_r(text, "\n", save); l; l = strtok_r(NULL, "\n", save)) {
		char *tab = strchr(l, '\t');
		if (*l != '#' && tab) {
			*tab = 0;
			*size = tab + 1;
			return l;
		}
	}
	return NULL;
}

static unsigned long long verified_bytes(char *text)
{
	unsigned long long sum = 0;
	char *save = NULL, *size;
	for (char *name = next_object(&save, text, &size); name; name = next_object(&save, NULL, &size))
		sum += strtoull(size, NULL, 10);
	return sum;
}

static ct_code read_failure(ct_scan_state *st, char *buf)
{
	buf[strcspn(buf, "\r\n")] = 0;
	st->failure = buf;
	char *step = strchr(buf, '\t');
	char *reason = step ? strchr(step + 1, '\t') : NULL;
	if (step)
		snprintf(st->step, sizeof st->step, "%.*s", (int)((reason ? reason : step + strlen(step)) - step - 1),
		         step + 1);
	st->reason = reason ? reason + 1 : "";
	st->stage = CT_SCAN_FAILED;
	return CT_OK;
}

ct_code ct_scan_state_read(const char *root, const char *uuid, ct_scan_state *st)
{
	memset(st, 0, sizeof *st);
	st->reason = "";
	char *buf;
	int done = 0;
	ct_code c = scan_file_exists(root, uuid, CT_SCAN_RECORD, &done);
	if (c)
		return c;
	if (read_scan_file(root, uuid, CT_SCAN_VERIFIED, &buf) == CT_OK) {
		st->verified = 1;
		st->bytes = verified_bytes(buf);
		free(buf);
	}
	if (done)
		st->stage = CT_SCAN_DONE;
	else if (read_scan_file(root, uuid, CT_SCAN_FAILURE, &buf) == CT_OK)
		return read_failure(st, buf);
	else
		st->stage = st->verified ? CT_SCAN_FETCHED : CT_SCAN_LEFT;
	return CT_OK;
}

void ct_scan_state_free(ct_scan_state *st)
{
	free(st->failure);
	st->failure = NULL;
}

/* The scan's NRRD, <the directory .scandir names>/scan.nrrd, malloc'd into *path (the index
 * takes it from the record; the drop checks it is there before removing anything). */
static ct_code nrrd_path(const char *root, const char *uuid, char **path)
{
	char *buf;
	ct_code c = read_scan_file(root, uuid, CT_SCAN_SERIES_DIR, &buf);
	if (c)
		return c;
	buf[strcspn(buf, "\r\n")] = 0;
	*path = ct_path_join(buf, "scan.nrrd");
	free(buf);
	return *path ? CT_OK : ct_fail(CT_ENOMEM, "out of memory");
}

ct_code ct_scan_failure_write(const char *path, const char *step, const char *reason)
{
	char *copy = strdup(path);
	if (!copy)
		return ct_fail(CT_ENOMEM, "out of memory");
	char *scan = basename(copy), *dot = strrchr(scan, '.');
	if (dot && !strcmp(dot, ".tsv"))
		*dot = 0;
	ct_code c = ct_mkdir_parent(path, 0755); /* failed/ is made by the first failure */
	ct_atomic a;
	if (!c)
		c = ct_atomic_open(&a, path);
	if (!c) {
		FILE *f = ct_atomic_stream(&a);
		ct_tsv_put(f, scan);
		fputc('\t', f);
		ct_tsv_put(f, step);
		fputc('\t', f);
		ct_tsv_put(f, reason);
		fputc('\n', f);
		c = ct_atomic_commit(&a);
	}
	free(copy);
	return c;
}

ct_code ct_scan_failure_clear(const char *path)
{
	if (unlink(path) && errno != ENOENT)
		return ct_fail_errno(CT_EIO, "%s: cannot remove", path);
	return ct_atomic_clean(path);
}

/* ---- KEEP_DICOM=drop ---------------------------------------------------------------------- */

typedef struct {
	char **path;
	size_t n, cap;
} path_list;

static ct_code add_path(path_list *l, char *p)
{
	if (!p)
		return ct_fail(CT_ENOMEM, "out of memory");
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		char **np = realloc(l->path, cap * sizeof *np);
		if (!np) {
			free(p);
			return ct_fail(CT_ENOMEM, "out of memory");
		}
		l->path = np;
		l->cap = cap;
	}
	l->path[l->n++] = p;
	return CT_OK;
}

/* The downloads: dicom/<uuid>/NAME for every object .verified lists. */
static ct_code downloads(const char *root, const char *uuid, path_list *l)
{
	char *buf, *save = NULL, *size;
	ct_code c = read_scan_file(root, uuid, CT_SCAN_VERIFIED, &buf);
	if (c)
		return ct_fail(CT_EDATA, "scan %s: its download is not verified (no readable .verified)", uuid);
	for (char *name = next_object(&save, buf, &size); !c && name; name = next_object(&save, NULL, &size)) {
		if (!ct_path_is_safe(name) || strchr(name, '/'))
			c = ct_fail(CT_EDATA, "scan %s: .verified names '%s', not a file of the download", uuid, name);
		else
			c = add_path(l, ct_pathf("%s/dicom/%s/%s", root, uuid, name));
	}
	free(buf);
	return c;
}

/* What ct-sort placed (TARGET of every line whose ACTION is not skipped-*), each a file of dir. */
static ct_code placed(const char *root, const char *uuid, const char *dir, path_list *l)
{
	char *buf, *save = NULL;
	ct_code c = read_scan_file(root, uuid, CT_SCAN_SORT_LIST, &buf);
	if (c)
		return ct_fail(CT_EDATA, "scan %s: no readable .sort-list.tsv: which files ct-sort placed is not known", uuid);
	size_t dlen = strlen(dir);
	for (char *line = strtok_r(buf, "\n", &save); !c && line; line = strtok_r(NULL, "\n", &save)) {
		char *target = strchr(line, '\t'), *action = target ? strchr(target + 1, '\t') : NULL;
		if (!action)
			c = ct_fail(CT_EDATA, "scan %s: .sort-list.tsv: a line without three fields", uuid);
		else if (strncmp(action + 1, "skipped", 7)) {
			*action = 0;
			target++;
			if (strncmp(target, dir, dlen) || target[dlen] != '/' || strchr(target + dlen + 1, '/'))
				c = ct_fail(CT_EDATA, "scan %s: .sort-list.tsv: %s is not in the series directory %s",
				            uuid, target, dir);
			else
				c = add_path(l, strdup(target));
		}
	}
	free(buf);
	return c;
}

/* Everything the drop would remove, or an error before anything is removed. */
static ct_code drop_list(const char *root, const char *uuid, path_list *l)
{
	int done = 0;
	char *nrrd = NULL;
	ct_code c = scan_file_exists(root, uuid, CT_SCAN_RECORD, &done);
	if (!c && !done)
		c = ct_fail(CT_EDATA, "scan %s: not done (no record): its DICOM stays", uuid);
	if (!c && nrrd_path(root, uuid, &nrrd))
		c = ct_fail(CT_EDATA, "scan %s: no readable .scandir: where its NRRD is is not known", uuid);
	if (!c && access(nrrd, F_OK))
		c = ct_fail_errno(CT_EDATA, "scan %s: %s", uuid, nrrd);
	if (!c) {
		nrrd[strlen(nrrd) - strlen("/scan.nrrd")] = 0;
		c = placed(root, uuid, nrrd, l);
	}
	if (!c)
		c = downloads(root, uuid, l);
	free(nrrd);
	return c;
}

ct_code ct_scan_drop_dicom(const char *root, const char *uuid, unsigned long *removed)
{
	path_list l = {0};
	ct_code c = drop_list(root, uuid, &l);
	*removed = 0;
	for (size_t i = 0; i < l.n; i++) {
		if (!c && unlink(l.path[i]) == 0)
			(*removed)++;
		else if (!c && errno != ENOENT)
			c = ct_fail_errno(CT_EIO, "%s: cannot remove", l.path[i]);
		free(l.path[i]);
	}
	free(l.path);
	return c;
}
