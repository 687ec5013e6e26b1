/* fs.h: files that are either complete or absent, and paths that stay inside their root.
 *
 * ct_atomic: write to a temporary name in the target's directory, then ct_atomic_commit()
 * flushes, fsyncs, renames onto the final name and fsyncs the directory. Until the commit the
 * final name is untouched (an older complete file stays as it was); ct_atomic_abort() removes
 * the temporary. A process killed mid-write leaves only a ".tmp.*" file, never a half file
 * under the final name.
 */
#ifndef CT_FS_H
#define CT_FS_H

#include "err.h"

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

typedef struct {
	int fd;
	FILE *f;      /* a stdio stream on fd; use one or the other */
	char *tmp;    /* temporary path */
	char *final;  /* final path */
} ct_atomic;

ct_code ct_atomic_open(ct_atomic *a, const char *path);
/* The stdio stream on the temporary file (a->f), never NULL after a successful open. */
FILE *ct_atomic_stream(ct_atomic *a);
ct_code ct_atomic_commit(ct_atomic *a);
/* Remove the temporaries ("NAME.tmp.XXXXXX") that killed writers left in dir. Only for a caller
 * that knows no other writer is at work in dir (it holds dir's lock). */
ct_code ct_remove_temporaries(const char *dir);
/* Remove only the temporaries of the final name path (what a killed writer of path left), for a
 * caller that is path's one writer (a make recipe: one a target). Reads path's directory. */
ct_code ct_atomic_clean(const char *path);
void ct_atomic_abort(ct_atomic *a);

/* Whole buffer to path, atomically. */
ct_code ct_write_file_atomic(const char *path, const void *buf, size_t len);
/* Whole file into a malloc'd buffer (NUL-terminated; *len excludes the NUL). */
ct_code ct_read_file(const char *path, char **buf, size_t *len);

/* mkdir -p. */
ct_code ct_mkdir_p(const char *path, mode_t mode);
/* mkdir -p of the directory path is in (nothing for a name without a directory). */
ct_code ct_mkdir_parent(const char *path, mode_t mode);
ct_code ct_fsync_dir(const char *dir);

/* A relative path that cannot leave its root: not empty, not absolute, no "." or ".." segment,
 * no empty segment, no NUL or backslash. */
bool ct_path_is_safe(const char *rel);

/* dir + "/" + name, malloc'd (NULL when out of memory). */
char *ct_path_join(const char *dir, const char *name);
/* path as seen from the directory base, both resolved (realpath: both must exist): "x/y" below
 * base, "../x" beside it, "." for base itself; malloc'd, NULL (errno set) when either cannot
 * be resolved or out of memory. */
char *ct_path_relative(const char *path, const char *base);
/* path made absolute against the working directory, not resolved (links and ".." stay as
 * given), malloc'd; NULL (errno set) when out of memory or the working directory is unknown. */
char *ct_path_absolute(const char *path);
/* A path built printf-style, malloc'd (NULL when out of memory). */
char *ct_pathf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Every byte of buf to fd (short writes and EINTR retried); path names fd in the message. */
ct_code ct_write_all(int fd, const void *buf, size_t len, const char *path);

#endif
