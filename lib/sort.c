/* sort.c: see sort.h. */
#include "sort.h"
#include "dicom.h"
#include "fs.h"
#include "log.h"
#include "par.h"
#include "pattern.h"
#include "tsv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SUFFIX 100000

typedef struct {
	char *src;
	char *dst;           /* where it went (NULL when skipped) */
	const char *action;  /* linked, copied, ..., skipped-<why> */
} item;

typedef struct {
	item *it;
	size_t n, cap;
	dev_t skip_dev;      /* the target directory, when it lies inside the source */
	ino_t skip_ino;
	int has_skip;
	const ct_pattern *pat;
	const char *target;
} job;

/* ---- walking the source ------------------------------------------------------------------- */

static ct_code add_file(job *j, const char *path)
{
	if (j->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 1024;
		item *it = realloc(j->it, cap * sizeof *it);
		if (!it)
			return ct_fail(CT_ENOMEM, "out of memory");
		j->it = it;
		j->cap = cap;
	}
	j->it[j->n] = (item){.src = strdup(path)};
	return j->it[j->n++].src ? CT_OK : ct_fail(CT_ENOMEM, "out of memory");
}

static ct_code walk(job *j, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return ct_fail_errno(CT_EDATA, "%s", dir);
	ct_code c = CT_OK;
	struct dirent *e;
	while (!c && (e = readdir(d))) {
		if (e->d_name[0] == '.') /* ".", "..", and hidden files: ct-fetch's records among them */
			continue;
		char *p = ct_path_join(dir, e->d_name);
		struct stat st;
		if (!p) {
			c = ct_fail(CT_ENOMEM, "out of memory");
		} else if (lstat(p, &st) != 0) {
			c = add_file(j, p); /* vanished or unreadable: reported as such */
		} else if (S_ISDIR(st.st_mode)) {
			if (!(j->has_skip && st.st_dev == j->skip_dev && st.st_ino == j->skip_ino))
				c = walk(j, p);
		} else if (S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) && stat(p, &st) == 0 &&
		                                  S_ISREG(st.st_mode))) {
			c = add_file(j, p);
		}
		free(p);
	}
	closedir(d);
	return c;
}

static int by_source(const void *a, const void *b)
{
	return strcmp(((const item *)a)->src, ((const item *)b)->src);
}

/* ---- naming each file (on worker threads) ------------------------------------------------- */

static int is_dicomdir(const ct_dicom *d)
{
	char sop[80];
	return (ct_dicom_text(d, CT_TAG(0x0002, 0x0002), sop, sizeof sop) > 0 &&
	        !strcmp(sop, "1.2.840.10008.1.3.10")) || ct_dicom_has(d, CT_TAG(0x0004, 0x1220));
}

static ct_code name_one(void *ctx, size_t i)
{
	job *j = ctx;
	item *it = &j->it[i];
	switch (ct_dicom_sniff(it->src)) {
	case CT_DICOM_UNREADABLE: it->action = "skipped-unreadable"; return CT_OK;
	case CT_DICOM_NOT: it->action = "skipped-not-dicom"; return CT_OK;
	case CT_DICOM_DICOMDIR: it->action = "skipped-dicomdir"; return CT_OK;
	case CT_DICOM_FILE: break;
	}
	ct_dicom *d;
	if (ct_dicom_open(it->src, &d) != CT_OK) { /* DICOM by its first bytes, but corrupt: say why */
		ct_warn("%s; skipped", ct_errmsg());
		it->action = "skipped-unreadable";
		return CT_OK;
	}
	if (is_dicomdir(d)) {
		it->action = "skipped-dicomdir";
	} else if (!ct_dicom_has(d, CT_TAG(0x0008, 0x0016)) && !ct_dicom_has(d, CT_TAG(0x0002, 0x0002))) {
		it->action = "skipped-not-dicom"; /* GDCM parsed it, but nothing says it is DICOM */
	} else {
		char *rel = ct_pattern_expand(j->pat, d);
		it->dst = rel ? ct_path_join(j->target, rel) : NULL;
		free(rel);
		if (!it->dst) {
			ct_dicom_close(d);
			return ct_fail(CT_ENOMEM, "out of memory");
		}
	}
	ct_dicom_close(d);
	return CT_OK;
}

/* ---- placing files (in order, on the calling thread) -------------------------------------- */

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int same_content(const char *a, const char *b)
{
	struct stat sa, sb;
	if (same_file(a, b))
		return 1;
	if (stat(a, &sa) != 0 || stat(b, &sb) != 0 || sa.st_size != sb.st_size)
		return 0;
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int same = fa && fb;
	static _Thread_local char x[65536], y[65536];
	while (same) {
		size_t n = fread(x, 1, sizeof x, fa), m = fread(y, 1, sizeof y, fb);
		same = n == m && memcmp(x, y, n) == 0;
		if (n == 0)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

static ct_code copy_bytes(const char *src, int out)
{
	int in = open(src, O_RDONLY);
	if (in < 0)
		return ct_fail_errno(CT_EIO, "%s", src);
	static _Thread_local char buf[1 << 16];
	ct_code c = CT_OK;
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0) {
			c = ct_fail_errno(CT_EIO, "%s", src);
			break;
		}
		if (n == 0)
			break;
		for (ssize_t w = 0; w < n;) {
			ssize_t k = write(out, buf + w, (size_t)(n - w));
			if (k < 0) {
				c = ct_fail_errno(CT_EIO, "writing a copy of %s", src);
				break;
			}
			w += k;
		}
		if (c)
			break;
	}
	close(in);
	return c;
}

/* A copy under a temporary name, linked to dst only if dst does not exist: *exists tells. */
static ct_code copy_to(const char *src, const char *dst, int *exists)
{
	size_t len = strlen(dst) + 16;
	char *tmp = malloc(len);
	if (!tmp)
		return ct_fail(CT_ENOMEM, "out of memory");
	snprintf(tmp, len, "%s.tmp.XXXXXX", dst);
	int fd = mkstemp(tmp);
	ct_code c = fd < 0 ? ct_fail_errno(CT_EIO, "%s", tmp) : copy_bytes(src, fd);
	if (fd >= 0 && close(fd) != 0 && !c)
		c = ct_fail_errno(CT_EIO, "%s", tmp);
	if (!c && link(tmp, dst) != 0) {
		if (errno == EEXIST)
			*exists = 1;
		else
			c = ct_fail_errno(CT_EIO, "%s", dst);
	}
	if (fd >= 0)
		unlink(tmp);
	free(tmp);
	return c;
}

/* Put src at dst without ever replacing dst. Sets *action, or *exists when dst is taken. */
static ct_code place(const char *src, const char *dst, ct_place_mode mode, const char **action,
                     int *exists)
{
	*exists = 0;
	if (mode == CT_PLACE_SYMLINK) {
		char abs[PATH_MAX];
		if (!realpath(src, abs))
			return ct_fail_errno(CT_EIO, "%s", src);
		if (symlink(abs, dst) == 0) {
			*action = "symlinked";
			return CT_OK;
		}
		return errno == EEXIST ? (*exists = 1, CT_OK) : ct_fail_errno(CT_EIO, "%s", dst);
	}
	if (mode != CT_PLACE_COPY) {
		if (link(src, dst) == 0) {
			*action = mode == CT_PLACE_MOVE ? "moved" : "linked";
			return mode == CT_PLACE_MOVE && unlink(src) != 0 ? ct_fail_errno(CT_EIO, "%s", src) : CT_OK;
		}
		if (errno == EEXIST) {
			*exists = 1;
			return CT_OK;
		}
		if (errno != EXDEV && errno != EPERM && errno != EMLINK)
			return ct_fail_errno(CT_EIO, "%s", dst);
	}
	ct_code c = copy_to(src, dst, exists); /* a copy, or a hard link that cannot be */
	if (c || *exists)
		return c;
	*action = mode == CT_PLACE_MOVE ? "moved" : "copied";
	return mode == CT_PLACE_MOVE && unlink(src) != 0 ? ct_fail_errno(CT_EIO, "%s", src) : CT_OK;
}

/* dst with "-k" before its extension: "x/a.dcm" -> "x/a-2.dcm". */
static char *suffixed(const char *dst, int k)
{
	const char *base = strrchr(dst, '/');
	base = base ? base + 1 : dst;
	const char *dot = strrchr(base, '.');
	if (!dot || dot == base)
		dot = dst + strlen(dst);
	char *s = NULL;
	if (asprintf(&s, "%.*s-%d%s", (int)(dot - dst), dst, k, dot) < 0)
		return NULL;
	return s;
}

static ct_code place_item(item *it, ct_place_mode mode)
{
	ct_code c = ct_mkdir_parent(it->dst, 0777);
	for (int k = 0; !c && k < MAX_SUFFIX; k++) {
		char *cand = k ? suffixed(it->dst, k) : strdup(it->dst);
		const char *action = NULL;
		int exists = 0;
		if (!cand)
			return ct_fail(CT_ENOMEM, "out of memory");
		c = place(it->src, cand, mode, &action, &exists);
		if (!c && exists) {
			if (!same_content(it->src, cand)) {
				free(cand);
				continue;
			}
			action = "same";
			if (mode == CT_PLACE_MOVE && !same_file(it->src, cand))
				unlink(it->src);
		}
		if (!c && k && strcmp(action, "same") != 0) {
			ct_warn("%s: %s holds other content; placed as %s", it->src, it->dst, cand);
			action = "renamed";
		}
		free(it->dst);
		it->dst = cand;
		it->action = action;
		return c;
	}
	return c ? c : ct_fail(CT_EIO, "%s: no free name after %d tries", it->dst, MAX_SUFFIX);
}

/* ---- the whole run ------------------------------------------------------------------------- */

static void count(ct_sort_stats *st, const char *action)
{
	static const char *names[] = {"linked", "copied", "moved", "symlinked", "same", "renamed",
	                              "skipped-not-dicom", "skipped-dicomdir", "skipped-unreadable",
	                              "skipped-error"};
	size_t *slots[] = {&st->linked, &st->copied, &st->moved, &st->symlinked, &st->same,
	                   &st->renamed, &st->not_dicom, &st->dicomdir, &st->unreadable, &st->failed};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(action, names[i]))
			(*slots[i])++;
	st->files++;
}

static ct_code write_list(const char *path, const job *j)
{
	ct_atomic a;
	ct_code c = ct_atomic_open(&a, path);
	if (c)
		return c;
	FILE *f = ct_atomic_stream(&a);
	for (size_t i = 0; f && i < j->n; i++) /* tabs and newlines in a path become spaces */
		ct_tsv_put_row(f, (const char *[]){j->it[i].src, j->it[i].dst, j->it[i].action}, 3);
	if (!f || ferror(f)) {
		ct_atomic_abort(&a);
		return ct_fail(CT_EIO, "%s: write failed", path);
	}
	return ct_atomic_commit(&a);
}

/* The directory of a placed file's target, compared to the first one's: "a/b/c.dcm" -> "a/b". */
static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) : 0;
}

/* With series_dir_path: the one directory every placed file went to. */
static ct_code write_series_dir(const char *path, const job *j)
{
	const char *first = NULL;
	size_t len = 0, other = 0;
	for (size_t i = 0; i < j->n; i++) {
		const item *it = &j->it[i];
		if (!it->dst || !strncmp(it->action, "skipped", 7))
			continue;
		if (!first) {
			first = it->dst;
			len = dir_len(first);
		} else if (!other && (dir_len(it->dst) != len || strncmp(it->dst, first, len))) {
			other = i;
		}
	}
	if (!first)
		return ct_fail(CT_EDATA, "no DICOM file was placed, so there is no series directory");
	if (other)
		return ct_fail(CT_EDATA, "this series went to more than one directory (expected 1): %.*s and %.*s",
		               (int)len, first, (int)dir_len(j->it[other].dst), j->it[other].dst);
	char *line = NULL;
	if (asprintf(&line, "%.*s\n", (int)len, first) < 0)
		return ct_fail(CT_ENOMEM, "out of memory");
	ct_code c = ct_write_file_atomic(path, line, strlen(line));
	free(line);
	return c;
}

static ct_code collect(job *j, const char *source)
{
	struct stat st;
	if (stat(source, &st) != 0)
		return ct_fail_errno(CT_EDATA, "%s", source);
	if (!S_ISDIR(st.st_mode))
		return ct_fail(CT_EDATA, "%s: not a directory", source);
	if (stat(j->target, &st) == 0) {
		j->has_skip = 1;
		j->skip_dev = st.st_dev;
		j->skip_ino = st.st_ino;
	}
	ct_code c = walk(j, source);
	if (!c)
		qsort(j->it, j->n, sizeof *j->it, by_source);
	return c;
}

static ct_code run(job *j, const char *source, const ct_sort_opts *o, ct_sort_stats *st)
{
	ct_code c = collect(j, source);
	if (!c) {
		ct_dicom_init();
		c = ct_par_for(j->n, o->threads, name_one, j);
	}
	for (size_t i = 0; !c && i < j->n; i++) {
		item *it = &j->it[i];
		if (it->dst && !it->action && place_item(it, o->mode) != CT_OK) {
			ct_warn("%s", ct_errmsg());
			it->action = "skipped-error";
		}
		count(st, it->action);
	}
	if (!c && o->list_path)
		c = write_list(o->list_path, j);
	if (!c && st->failed)
		c = ct_fail(CT_EIO, "%zu of %zu files could not be placed", st->failed, st->files);
	if (!c && o->series_dir_path)
		c = write_series_dir(o->series_dir_path, j);
	return c;
}

ct_code ct_sort(const char *source, const char *target_pattern, const ct_sort_opts *o,
                ct_sort_stats *st)
{
	memset(st, 0, sizeof *st);
	char *target, *pattern;
	ct_code c = ct_pattern_split(target_pattern, &target, &pattern);
	if (c)
		return c;
	ct_pattern *pat = NULL;
	c = ct_pattern_parse(pattern, o->keep_chars, &pat);
	if (!c && ct_pattern_unknown(pat))
		ct_warn("%%%s is not a DICOM keyword: it will always read Unknown%s",
		        ct_pattern_unknown(pat), ct_pattern_unknown(pat));
	job j = {.pat = pat, .target = target};
	/* What a killed earlier run left of the records this run writes goes first. */
	if (!c && o->list_path)
		c = ct_atomic_clean(o->list_path);
	if (!c && o->series_dir_path)
		c = ct_atomic_clean(o->series_dir_path);
	if (!c && o->series_dir_path && unlink(o->series_dir_path) && errno != ENOENT)
		c = ct_fail_errno(CT_EIO, "%s: cannot remove", o->series_dir_path);
	if (!c)
		c = run(&j, source, o, st);
	for (size_t i = 0; i < j.n; i++) {
		free(j.it[i].src);
		free(j.it[i].dst);
	}
	free(j.it);
	ct_pattern_free(pat);
	free(target);
	free(pattern);
	return c;
}
