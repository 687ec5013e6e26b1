/* verified.h: what ct-fetch knows to be verified in a directory.
 *
 * The journal, DIR/.ct-fetch-journal, grows by one line per file as soon as the file stands
 * verified under its final name ("NAME\tSIZE\tMD5HEX\tHOW\tETAG\n", appended with one write()
 * and fdatasync'ed), so a process killed at any moment loses no verification work; a torn last
 * line is ignored, and a later line for the same name wins. It is also the lock: one ct-fetch
 * per directory at a time (flock).
 *
 * The record, DIR/.verified, is the directory's certificate for Make: written (atomically) only
 * when every listed object is verified, as "# ct-fetch SOURCE" then one line per object
 * "NAME\tSIZE\tMD5HEX\tHOW" sorted bytewise by name. HOW is "etag" (the ETag was the MD5 and
 * matched), "gcs-md5" (x-goog-hash md5 matched) or "size" (multipart ETag: size checked only).
 * An identical record is not rewritten, so its mtime stays.
 */
#ifndef CT_VERIFIED_H
#define CT_VERIFIED_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	char *name;
	uint64_t size;
	char md5[33];
	char how[8];
	char *etag; /* the listing's ETag when verified (a changed object is fetched again) */
} ct_vfile;

typedef struct {
	ct_vfile *v; /* sorted by name, one per name */
	size_t n;
	int fd;      /* open for appending, locked */
	char *path;
} ct_journal;

#define CT_JOURNAL_NAME ".ct-fetch-journal"
#define CT_RECORD_NAME ".verified"

ct_code ct_journal_open(ct_journal *j, const char *dir);
const ct_vfile *ct_journal_find(const ct_journal *j, const char *name);
ct_code ct_journal_append(ct_journal *j, const ct_vfile *files, size_t n);
void ct_journal_close(ct_journal *j);

/* Write DIR/.verified for these files (sorted here), unless it already says exactly that. */
ct_code ct_verified_write(const char *dir, const char *source, ct_vfile *files, size_t n);
/* Remove DIR/.verified (absent is fine): done before any work, so it never stands over an
 * incomplete directory. */
ct_code ct_verified_remove(const char *dir);

#endif
