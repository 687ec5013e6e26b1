/* unpack.c: see unpack.h (not "archive.h": that name is libarchive's). */
#include "unpack.h"
#include "dirswap.h"
#include "fs.h"
#include "log.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool ct_archive_is_macos_junk(const char *path)
{
	if (!strncmp(path, "__MACOSX/", 9) || strstr(path, "/__MACOSX/") || !strcmp(path, "__MACOSX"))
		return true;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return !strncmp(base, "._", 2);
}

/* Whether the file starts as a zip does (a local file header, or the end record of an empty one). */
static bool starts_as_zip(const char *path)
{
	unsigned char b[4] = {0};
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(b, 1, sizeof b, f) : 0;
	if (f)
		fclose(f);
	return n == 4 && b[0] == 'P' && b[1] == 'K' && ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6));
}

/* A zip is read through its central directory (libarchive's seekable reader), as unzip reads
 * it: the streaming reader would take a zip cut short, its directory gone, for a whole one. */
static struct archive *open_reader(const char *path)
{
	struct archive *a = archive_read_new();
	if (!a) {
		ct_fail(CT_ENOMEM, "%s: out of memory", path);
		return NULL;
	}
	bool zip = starts_as_zip(path);
	if (zip) {
		archive_read_support_format_zip_seekable(a);
	} else {
		archive_read_support_format_tar(a);
		archive_read_support_filter_gzip(a);
	}
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		if (zip)
			ct_fail(CT_EDATA, "%s: truncated or damaged zip: no end of central directory record (%s)",
			        path, archive_error_string(a));
		else
			ct_fail(CT_EDATA, "%s: cannot read as zip or tar: %s", path, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* A data error: when fewer bytes came than the entry declares, say it is truncated (libarchive
 * says "ZIP decompression failed (-5)" for a deflate stream that ends early). */
static ct_code data_error(struct archive *in, struct archive_entry *e, const char *archive,
                          const char *name, uint64_t got)
{
	if (archive_entry_size_is_set(e) && got < (uint64_t)archive_entry_size(e))
		return ct_fail(CT_EDATA, "%s: %s: truncated: its data ends after %llu of %lld bytes (%s)", archive,
		               name, (unsigned long long)got, (long long)archive_entry_size(e), archive_error_string(in));
	return ct_fail(CT_EDATA, "%s: %s: %s", archive, name, archive_error_string(in));
}

/* The next entry: true when there is one; false at the end or on an error (*c set). */
static bool next_entry(struct archive *in, const char *archive, struct archive_entry **e, ct_code *c)
{
	int r = archive_read_next_header(in, e);
	if (r == ARCHIVE_EOF)
		return false;
	if (r < ARCHIVE_WARN) {
		*c = ct_fail(CT_EDATA, "%s: %s", archive, archive_error_string(in));
		return false;
	}
	return true;
}

/* "./a/b/" → "a/b" in place; returns the cleaned string (may be empty). */
static char *clean_name(char *p)
{
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	size_t n = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		p[--n] = 0;
	if (!strcmp(p, "."))
		p[0] = 0;
	return p;
}

/* Whether a symbolic link at entry path `name` (relative to the root) pointing at `target`
 * stays inside the root. Resolved lexically; a ".." may not follow a component that is
 * itself a symbolic link already unpacked (its real parent is elsewhere). */
static bool link_stays_inside(const char *name, const char *target)
{
	if (!*target || target[0] == '/')
		return false;
	size_t cap = strlen(name) + strlen(target) + 2;
	char *path = malloc(cap), *t = strdup(target);
	if (!path || !t) {
		free(path), free(t);
		return false;
	}
	snprintf(path, cap, "%s", name);
	char *slash = strrchr(path, '/');
	if (slash)
		*slash = 0;
	else
		path[0] = 0;
	bool inside = true;
	char *save = NULL;
	for (char *seg = strtok_r(t, "/", &save); seg && inside; seg = strtok_r(NULL, "/", &save)) {
		if (!strcmp(seg, "."))
			continue;
		if (!strcmp(seg, "..")) {
			struct stat st;
			if (!path[0] || (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))) {
				inside = false;
				break;
			}
			char *s = strrchr(path, '/');
			if (s)
				*s = 0;
			else
				path[0] = 0;
			continue;
		}
		size_t n = strlen(path);
		snprintf(path + n, cap - n, "%s%s", n ? "/" : "", seg);
	}
	free(path), free(t);
	return inside;
}

/* Why an entry must be refused, or NULL when it may be written. */
static const char *refusal(struct archive_entry *e, const char *name)
{
	const char *raw = archive_entry_pathname(e);
	if (raw && raw[0] == '/')
		return "absolute path";
	if (!ct_path_is_safe(name))
		return "unsafe path (\"..\" or an empty segment)";
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
	case AE_IFDIR:
		break;
	case AE_IFLNK:
		if (!link_stays_inside(name, archive_entry_symlink(e) ? archive_entry_symlink(e) : ""))
			return "symbolic link leading out of the target directory";
		break;
	case AE_IFCHR:
	case AE_IFBLK:
		return "device file";
	case AE_IFIFO:
		return "FIFO";
	default:
		return "not a regular file, directory or link";
	}
	const char *hl = archive_entry_hardlink(e);
	if (hl) {
		char *h = strdup(hl);
		bool ok = h && hl[0] != '/' && ct_path_is_safe(clean_name(h));
		if (ok)
			archive_entry_copy_hardlink(e, clean_name(h));
		free(h);
		if (!ok)
			return "hard link leading out of the target directory";
	}
	return NULL;
}

static ct_code copy_data(struct archive *in, struct archive *out, struct archive_entry *e,
                         const char *archive, const char *name)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	uint64_t got = 0;
	for (;;) {
		int r = archive_read_data_block(in, &buf, &len, &off);
		if (r == ARCHIVE_EOF)
			return CT_OK;
		if (r < ARCHIVE_WARN)
			return data_error(in, e, archive, name, got);
		got = (uint64_t)off + len;
		if (archive_write_data_block(out, buf, len, off) < ARCHIVE_WARN)
			return ct_fail(CT_EIO, "%s: %s: cannot write: %s", archive, name, archive_error_string(out));
	}
}

/* On a terminal, a live line: how far into the archive and how many entries, a few times a
 * second (a 23 GB zip takes minutes). */
typedef struct {
	long long size;     /* the archive's bytes */
	size_t entries;
	double last;        /* when the line was last drawn (ct_now) */
} progress;

static void show_progress(struct archive *in, const char *archive, progress *p, bool last)
{
	double now = ct_now();
	if (!ct_stderr_is_tty() || (!last && now - p->last < 0.2))
		return;
	p->last = now;
	double read = (double)archive_filter_bytes(in, -1);
	ct_progress("%s: %zu entries, %.0f%% of %.1f MiB", archive, p->entries,
	            p->size > 0 ? 100.0 * read / (double)p->size : 0.0, (double)p->size / 1048576.0);
}

/* Every entry into the current directory (the temporary one). */
static ct_code extract_all(struct archive *in, const char *archive, long long size)
{
	progress p = {.size = size};
	struct archive *out = archive_write_disk_new();
	if (!out)
		return ct_fail(CT_ENOMEM, "%s: out of memory", archive);
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	                                    ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	ct_code c = CT_OK;
	struct archive_entry *e;
	while (c == CT_OK && next_entry(in, archive, &e, &c)) {
		p.entries++;
		show_progress(in, archive, &p, false);
		char *copy = strdup(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
		if (!copy) {
			c = ct_fail(CT_ENOMEM, "%s: out of memory", archive);
			break;
		}
		char *name = clean_name(copy);
		const char *why = NULL;
		if ((!*name && archive_entry_filetype(e) == AE_IFDIR) || ct_archive_is_macos_junk(name)) {
			free(copy);
			continue;
		}
		if ((why = refusal(e, name)))
			c = ct_fail(CT_EDATA, "%s: entry '%s': refused: %s", archive,
			            archive_entry_pathname(e) ? archive_entry_pathname(e) : "", why);
		else {
			archive_entry_copy_pathname(e, name);
			if (archive_write_header(out, e) < ARCHIVE_WARN)
				c = ct_fail(CT_EDATA, "%s: entry '%s': %s", archive, name, archive_error_string(out));
			else if (archive_entry_filetype(e) == AE_IFREG)
				c = copy_data(in, out, e, archive, name);
			if (c == CT_OK && archive_write_finish_entry(out) < ARCHIVE_WARN)
				c = ct_fail(CT_EIO, "%s: entry '%s': %s", archive, name, archive_error_string(out));
		}
		free(copy);
	}
	if (c == CT_OK)
		show_progress(in, archive, &p, true);
	ct_progress_end();
	if (archive_write_close(out) != ARCHIVE_OK && c == CT_OK)
		c = ct_fail(CT_EIO, "%s: cannot finish writing: %s", archive, archive_error_string(out));
	archive_write_free(out);
	return c;
}

/* The one directory inside tmp when it holds nothing else, or NULL. */
static char *lone_top(const char *tmp)
{
	DIR *d = opendir(tmp);
	if (!d)
		return NULL;
	struct dirent *de;
	char *only = NULL;
	int n = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (++n == 1)
			only = ct_path_join(tmp, de->d_name);
	}
	closedir(d);
	struct stat st;
	if (n != 1 || !only || lstat(only, &st) || !S_ISDIR(st.st_mode)) {
		free(only);
		return NULL;
	}
	return only;
}

ct_code ct_unpack(const char *archive, const char *dir, unsigned flags)
{
	ct_code c = CT_OK;
	struct archive *in = open_reader(archive);
	if (!in)
		return CT_EDATA;
	struct stat st;
	long long size = stat(archive, &st) ? 0 : (long long)st.st_size; /* before the chdir */
	char *tmp = ct_dir_temp_beside(dir);
	int here = open(".", O_RDONLY | O_DIRECTORY);
	if (!tmp || here < 0 || chdir(tmp)) {
		c = ct_fail_errno(CT_EIO, "%s: cannot create a temporary directory beside it", dir);
		goto out;
	}
	/* Paths relative to the temporary directory let libarchive refuse absolute ones itself. */
	c = extract_all(in, archive, size);
	if (fchdir(here) && c == CT_OK)
		c = ct_fail_errno(CT_EIO, "cannot return to the working directory");
	if (c == CT_OK) {
		char *top = (flags & CT_UNPACK_STRIP_TOP) ? lone_top(tmp) : NULL;
		c = ct_dir_publish(top ? top : tmp, dir);
		free(top);
	}
	if (c == CT_OK)
		c = ct_fsync_dir(dir);
out:
	if (here >= 0)
		close(here);
	if (tmp)
		ct_remove_tree(tmp); /* gone already after a plain rename; holds the husk after a strip */
	free(tmp);
	archive_read_free(in);
	return c;
}

#define MEMBER_CHUNK ((size_t)1 << 20)
#define DEFLATE_MAX_RATIO 1032 /* deflate expands a byte to at most this many */

/* One member's bytes into a malloc'd buffer. The size its header declares is believed only as
 * far as the archive could hold it; beyond that the buffer grows with what really arrives, so
 * a header claiming gigabytes costs nothing, and more than max bytes is refused. */
static ct_code read_member(struct archive *in, struct archive_entry *e, const char *archive, const char *name,
                           size_t max, uint64_t archive_size, char **out, size_t *len)
{
	la_int64_t declared = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
	if (declared > 0 && (uint64_t)declared > max)
		return ct_fail(CT_EDATA, "%s: %s: member of %lld bytes, more than the %zu allowed", archive, name,
		               (long long)declared, max);
	uint64_t plausible = archive_size * DEFLATE_MAX_RATIO + MEMBER_CHUNK;
	size_t cap = declared >= 0 && (uint64_t)declared < plausible ? (size_t)declared + 1 : MEMBER_CHUNK, n = 0;
	char *buf = malloc(cap);
	ct_code c = buf ? CT_OK : ct_fail(CT_ENOMEM, "%s: %s: out of memory", archive, name);
	while (c == CT_OK) {
		if (n == cap) {
			size_t grown = cap > (max + 1) / 2 ? max + 1 : 2 * cap;
			char *b = cap > max ? NULL : realloc(buf, grown);
			if (!b) {
				c = cap > max ? ct_fail(CT_EDATA, "%s: %s: member of more than the %zu bytes allowed", archive, name, max)
				              : ct_fail(CT_ENOMEM, "%s: %s: out of memory", archive, name);
				break;
			}
			buf = b, cap = grown;
		}
		la_ssize_t r = archive_read_data(in, buf + n, cap - n);
		if (r == 0)
			break;
		if (r < 0)
			c = data_error(in, e, archive, name, n);
		else
			n += (size_t)r;
	}
	if (c == CT_OK && declared >= 0 && n != (uint64_t)declared)
		c = ct_fail(CT_EDATA, "%s: %s: holds %zu bytes where its header says %lld (truncated or corrupt)", archive,
		            name, n, (long long)declared);
	if (c) {
		free(buf);
		return c;
	}
	*out = buf;
	*len = n;
	return CT_OK;
}

ct_code ct_archive_each(const char *archive, size_t max, ct_member_fn fn, void *arg)
{
	struct archive *in = open_reader(archive);
	if (!in)
		return CT_EDATA;
	struct stat st;
	uint64_t size = stat(archive, &st) ? 0 : (uint64_t)st.st_size;
	ct_code c = CT_OK;
	struct archive_entry *e;
	while (c == CT_OK && next_entry(in, archive, &e, &c)) {
		const char *name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
		if (archive_entry_filetype(e) != AE_IFREG || ct_archive_is_macos_junk(name))
			continue;
		char *buf = NULL;
		size_t len = 0;
		c = read_member(in, e, archive, name, max, size, &buf, &len);
		if (c == CT_OK)
			c = fn(name, buf, len, arg);
	}
	archive_read_free(in);
	return c;
}
