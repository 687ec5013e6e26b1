/* verified.c: see verified.h. */
#include "verified.h"

#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static void vfile_free(ct_vfile *f)
{
	free(f->name);
	free(f->etag);
}

/* One journal line (without its '\n') into f; false when it is not a whole line. */
static bool parse_line(char *line, ct_vfile *f)
{
	char *field[5];
	int n = 0;
	for (char *s = line; n < 5; n++) {
		field[n] = s;
		char *tab = strchr(s, '\t');
		if (!tab) {
			n++;
			break;
		}
		*tab = 0;
		s = tab + 1;
	}
	if (n != 5 || strlen(field[2]) != 32 || strlen(field[3]) >= sizeof f->how)
		return false;
	char *end;
	f->size = strtoull(field[1], &end, 10);
	if (*end || !*field[0])
		return false;
	memcpy(f->md5, field[2], 33);
	strcpy(f->how, field[3]);
	f->name = strdup(field[0]);
	f->etag = strdup(field[4]);
	return f->name && f->etag;
}

typedef struct {
	ct_vfile f;
	size_t order;
} ordered;

static int by_name_then_order(const void *a, const void *b)
{
	const ordered *x = a, *y = b;
	int c = strcmp(x->f.name, y->f.name);
	return c ? c : (x->order < y->order ? -1 : 1);
}

/* Parse every complete line; keep the last line of each name. */
static ct_code load(ct_journal *j, char *text, size_t len)
{
	size_t cap = 1, n = 0;
	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	ordered *v = calloc(cap, sizeof *v);
	if (!v)
		return ct_fail(CT_ENOMEM, "%s: out of memory", j->path);
	for (char *s = text, *nl; (nl = memchr(s, '\n', len - (size_t)(s - text))); s = nl + 1) {
		*nl = 0;
		if (parse_line(s, &v[n].f)) {
			v[n].order = n;
			n++;
		} else {
			vfile_free(&v[n].f);
			memset(&v[n].f, 0, sizeof v[n].f);
		}
	}
	qsort(v, n, sizeof *v, by_name_then_order);
	j->v = calloc(n ? n : 1, sizeof *j->v);
	if (!j->v) {
		for (size_t i = 0; i < n; i++)
			vfile_free(&v[i].f);
		free(v);
		return ct_fail(CT_ENOMEM, "%s: out of memory", j->path);
	}
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && !strcmp(v[i].f.name, v[i + 1].f.name))
			vfile_free(&v[i].f);
		else
			j->v[j->n++] = v[i].f;
	}
	free(v);
	return CT_OK;
}

ct_code ct_journal_open(ct_journal *j, const char *dir)
{
	memset(j, 0, sizeof *j);
	j->fd = -1;
	j->path = ct_path_join(dir, CT_JOURNAL_NAME);
	if (!j->path)
		return ct_fail(CT_ENOMEM, "%s: out of memory", dir);
	j->fd = open(j->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (j->fd < 0)
		return ct_fail_errno(CT_EIO, "%s: cannot open", j->path);
	if (flock(j->fd, LOCK_EX | LOCK_NB))
		return ct_fail_errno(CT_EIO, "%s: another ct-fetch is working in this directory", dir);
	char *text;
	size_t len;
	ct_code c = ct_read_file(j->path, &text, &len);
	if (c)
		return c;
	/* A torn last line (a write cut short) would glue itself to the next append: cut it off. */
	char *nl = len ? memrchr(text, '\n', len) : NULL;
	size_t whole = nl ? (size_t)(nl - text) + 1 : 0;
	if (whole < len && ftruncate(j->fd, (off_t)whole))
		c = ct_fail_errno(CT_EIO, "%s: cannot cut its torn last line", j->path);
	if (!c)
		c = load(j, text, whole);
	free(text);
	return c;
}

static int name_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const ct_vfile *)elem)->name);
}

const ct_vfile *ct_journal_find(const ct_journal *j, const char *name)
{
	return j->n ? bsearch(name, j->v, j->n, sizeof *j->v, name_cmp) : NULL;
}

/* "NAME\tSIZE\tMD5\tHOW" (+ "\tETAG" for the journal) lines into one malloc'd buffer. */
static char *lines_of(const ct_vfile *files, size_t n, bool with_etag, const char *head)
{
	size_t cap = strlen(head) + 1;
	for (size_t i = 0; i < n; i++)
		cap += strlen(files[i].name) + strlen(files[i].etag) + 80;
	char *buf = malloc(cap), *p = buf;
	if (!buf)
		return NULL;
	p += sprintf(p, "%s", head);
	for (size_t i = 0; i < n; i++) {
		const ct_vfile *f = &files[i];
		p += sprintf(p, "%s\t%" PRIu64 "\t%s\t%s", f->name, f->size, f->md5, f->how);
		p += with_etag ? sprintf(p, "\t%s\n", f->etag) : sprintf(p, "\n");
	}
	return buf;
}

ct_code ct_journal_append(ct_journal *j, const ct_vfile *files, size_t n)
{
	if (n == 0)
		return CT_OK;
	char *buf = lines_of(files, n, true, "");
	if (!buf)
		return ct_fail(CT_ENOMEM, "%s: out of memory", j->path);
	ct_code c = ct_write_all(j->fd, buf, strlen(buf), j->path);
	if (!c && fdatasync(j->fd))
		c = ct_fail_errno(CT_EIO, "%s: fsync failed", j->path);
	free(buf);
	return c;
}

void ct_journal_close(ct_journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		vfile_free(&j->v[i]);
	free(j->v);
	if (j->fd >= 0)
		close(j->fd); /* releases the lock */
	free(j->path);
	memset(j, 0, sizeof *j);
	j->fd = -1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const ct_vfile *)a)->name, ((const ct_vfile *)b)->name);
}

ct_code ct_verified_write(const char *dir, const char *source, ct_vfile *files, size_t n)
{
	qsort(files, n, sizeof *files, by_name);
	char head[2048];
	snprintf(head, sizeof head, "# ct-fetch %s\n", source);
	char *want = lines_of(files, n, false, head);
	char *path = ct_path_join(dir, CT_RECORD_NAME);
	ct_code c = CT_OK;
	if (!want || !path) {
		c = ct_fail(CT_ENOMEM, "%s: out of memory", dir);
	} else {
		char *have = NULL;
		size_t hlen = 0;
		if (access(path, F_OK) || ct_read_file(path, &have, &hlen) || strcmp(have, want))
			c = ct_write_file_atomic(path, want, strlen(want));
		free(have);
	}
	free(want);
	free(path);
	return c;
}

ct_code ct_verified_remove(const char *dir)
{
	char *path = ct_path_join(dir, CT_RECORD_NAME);
	if (!path)
		return ct_fail(CT_ENOMEM, "%s: out of memory", dir);
	ct_code c = CT_OK;
	if (!unlink(path))
		c = ct_fsync_dir(dir);
	else if (errno != ENOENT)
		c = ct_fail_errno(CT_EIO, "%s: cannot remove", path);
	free(path);
	return c;
}
