/* fs.c: see fs.h. */
#include "fs.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dir_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	char *d = strdup(dirname(copy));
	free(copy);
	return d;
}

ct_code ct_atomic_open(ct_atomic *a, const char *path)
{
	memset(a, 0, sizeof *a);
	a->fd = -1;
	size_t n = strlen(path) + 32;
	a->final = strdup(path);
	a->tmp = malloc(n);
	if (!a->final || !a->tmp) {
		ct_atomic_abort(a);
		return ct_fail(CT_ENOMEM, "%s: out of memory", path);
	}
	/* mkstemp: unique among concurrent writers of the same target (make -j, Slurm shards). */
	snprintf(a->tmp, n, "%s.tmp.XXXXXX", path);
	a->fd = mkstemp(a->tmp);
	if (a->fd < 0) {
		ct_code c = ct_fail_errno(CT_EIO, "%s: cannot create", a->tmp);
		ct_atomic_abort(a);
		return c;
	}
	fchmod(a->fd, 0644);
	a->f = fdopen(a->fd, "w");
	if (!a->f) {
		ct_atomic_abort(a);
		return ct_fail(CT_ENOMEM, "%s: out of memory", path);
	}
	return CT_OK;
}

FILE *ct_atomic_stream(ct_atomic *a)
{
	return a->f;
}

ct_code ct_atomic_commit(ct_atomic *a)
{
	ct_code c = CT_OK;
	if (a->f && (fflush(a->f) || ferror(a->f)))
		c = ct_fail_errno(CT_EIO, "%s: write failed", a->tmp);
	else if (fsync(a->fd))
		c = ct_fail_errno(CT_EIO, "%s: fsync failed", a->tmp);
	else if (rename(a->tmp, a->final))
		c = ct_fail_errno(CT_EIO, "%s: cannot rename to %s", a->tmp, a->final);
	if (c != CT_OK) {
		ct_atomic_abort(a);
		return c;
	}
	free(a->tmp);
	a->tmp = NULL;
	char *d = dir_of(a->final);
	if (d)
		c = ct_fsync_dir(d);
	free(d);
	ct_atomic_abort(a); /* closes and frees; the temporary is gone already */
	return c;
}

/* Remove dir's temporaries: every one, or (base set) only those of the final name base. */
static ct_code remove_temporaries(const char *dir, const char *base)
{
	DIR *d = opendir(dir);
	if (!d && base && errno == ENOENT) /* no directory, no temporaries of one file in it */
		return CT_OK;
	if (!d)
		return ct_fail_errno(CT_EIO, "%s: cannot open directory", dir);
	size_t blen = base ? strlen(base) : 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *t = base ? (strncmp(e->d_name, base, blen) ? NULL : e->d_name + blen)
		                     : strstr(e->d_name, ".tmp.");
		/* mkstemp's suffix: exactly six characters after ".tmp." */
		if (t && !strncmp(t, ".tmp.", 5) && strlen(t + 5) == 6 && unlinkat(dirfd(d), e->d_name, 0) &&
		    errno != ENOENT) {
			ct_code c = ct_fail_errno(CT_EIO, "%s/%s: cannot remove", dir, e->d_name);
			closedir(d);
			return c;
		}
	}
	closedir(d);
	return CT_OK;
}

ct_code ct_remove_temporaries(const char *dir)
{
	return remove_temporaries(dir, NULL);
}

ct_code ct_atomic_clean(const char *path)
{
	char *copy = strdup(path), *dir = dir_of(path);
	ct_code c = copy && dir ? CT_OK : ct_fail(CT_ENOMEM, "out of memory");
	if (!c)
		c = remove_temporaries(dir, basename(copy));
	free(copy);
	free(dir);
	return c;
}

void ct_atomic_abort(ct_atomic *a)
{
	if (a->f)
		fclose(a->f);
	else if (a->fd >= 0)
		close(a->fd);
	if (a->tmp)
		unlink(a->tmp);
	free(a->tmp);
	free(a->final);
	memset(a, 0, sizeof *a);
	a->fd = -1;
}

ct_code ct_write_file_atomic(const char *path, const void *buf, size_t len)
{
	ct_atomic a;
	ct_code c = ct_atomic_open(&a, path);
	if (c)
		return c;
	c = ct_write_all(a.fd, buf, len, a.tmp);
	if (c) {
		ct_atomic_abort(&a);
		return c;
	}
	return ct_atomic_commit(&a);
}

ct_code ct_read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ct_fail_errno(CT_EIO, "%s: cannot open", path);
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	size_t r;
	while (b && (r = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n - 1 == 0) {
			char *nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				b = NULL;
			}
			b = nb;
			cap *= 2;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (!b)
		return ct_fail(CT_ENOMEM, "%s: out of memory", path);
	if (bad) {
		free(b);
		return ct_fail(CT_EIO, "%s: read failed", path);
	}
	b[n] = 0;
	*buf = b;
	if (len)
		*len = n;
	return CT_OK;
}

ct_code ct_mkdir_p(const char *path, mode_t mode)
{
	char *p = strdup(path);
	if (!p)
		return ct_fail(CT_ENOMEM, "%s: out of memory", path);
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == 0) {
			char save = *s;
			*s = 0;
			if (mkdir(p, mode) && errno != EEXIST) {
				ct_code c = ct_fail_errno(CT_EIO, "%s: cannot create directory", p);
				free(p);
				return c;
			}
			*s = save;
			if (!save)
				break;
		}
	}
	free(p);
	struct stat st;
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return ct_fail(CT_EIO, "%s: not a directory", path);
	return CT_OK;
}

ct_code ct_mkdir_parent(const char *path, mode_t mode)
{
	char *dir = strdup(path);
	if (!dir)
		return ct_fail(CT_ENOMEM, "out of memory");
	char *slash = strrchr(dir, '/');
	ct_code c = CT_OK;
	if (slash && slash != dir) {
		*slash = 0;
		c = ct_mkdir_p(dir, mode);
	}
	free(dir);
	return c;
}

ct_code ct_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return ct_fail_errno(CT_EIO, "%s: cannot open directory", dir);
	int r = fsync(fd);
	close(fd);
	/* Some file systems (tmpfs in old kernels, some FUSE) refuse fsync on directories. */
	if (r && errno != EINVAL && errno != EROFS)
		return ct_fail_errno(CT_EIO, "%s: fsync failed", dir);
	return CT_OK;
}

bool ct_path_is_safe(const char *rel)
{
	if (!rel || !*rel || rel[0] == '/')
		return false;
	if (strchr(rel, '\\'))
		return false;
	const char *s = rel;
	for (;;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		if (!e)
			return true;
		s = e + 1;
	}
}

char *ct_path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

char *ct_path_relative(const char *path, const char *base)
{
	char d[PATH_MAX], b[PATH_MAX];
	if (!realpath(path, d) || !realpath(base, b))
		return NULL;
	size_t i = 0, last = 0; /* last: the end of the common leading components */
	while (d[i] && d[i] == b[i])
		if (d[i++] == '/')
			last = i;
	if ((!d[i] || d[i] == '/') && (!b[i] || b[i] == '/'))
		last = i;
	size_t ups = 0;
	for (const char *p = b + last; *p; p++)
		ups += (*p != '/' && (p == b + last || p[-1] == '/'));
	const char *down = d + last + (d[last] == '/');
	char *out = malloc(ups * 3 + strlen(down) + 2);
	if (!out)
		return NULL;
	out[0] = 0;
	for (size_t k = 0; k < ups; k++)
		strcat(out, "../");
	strcat(out, down);
	size_t n = strlen(out);
	if (n && out[n - 1] == '/')
		out[n - 1] = 0;
	if (!out[0])
		strcpy(out, ".");
	return out;
}

char *ct_path_absolute(const char *path)
{
	if (path[0] == '/')
		return strdup(path);
	char *cwd = getcwd(NULL, 0), *p = cwd ? ct_path_join(cwd, path) : NULL;
	free(cwd);
	return p;
}

char *ct_pathf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	va_start(ap, fmt);
	int n = vasprintf(&p, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : p;
}

ct_code ct_write_all(int fd, const void *buf, size_t len, const char *path)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return ct_fail_errno(CT_EIO, "%s: write failed", path);
		p += w;
		len -= (size_t)w;
	}
	return CT_OK;
}
