/* fetch.h: verified downloads (the work of ct-fetch).
 *
 * ct_fetch_prefix() fetches every object under s3://BUCKET/PREFIX/ (or gs://...) into DIR, file
 * name = last key segment. Each object streams into DIR/NAME.part, MD5-hashed as it arrives,
 * and is renamed to DIR/NAME only once its MD5 equals the ETag (or GCS's x-goog-hash md5; a
 * multipart "-N" ETag allows a size check only). Renames are committed in batches (syncfs, then
 * rename, then the journal of verified.h), so a kill at any moment loses at most the bytes in
 * flight. Before any GET, what DIR already holds is reused: a journal entry with the same size
 * and ETag, a final-named file or a whole .part whose bytes hash to the listed ETag. DIR/.verified
 * is removed before any work and written only when every listed object is verified.
 * Keys that are not a plain file name right under the prefix are refused (never fetched), so
 * nothing is ever written outside DIR.
 *
 * ct_fetch_url() fetches one URL into FILE (through FILE.part, resumed with Range and If-Range
 * from the validator kept in the partial's extended attribute), checked against a digest given
 * by the caller. An existing FILE with that digest is kept without any request. With no digest
 * (hex NULL: a source that publishes none, pinned on first use), the bytes are taken as they
 * arrive, checked only against the size the server announced, and an existing FILE is kept as
 * it is (it has its name only once whole). got (when not NULL) receives FILE's digest of kind.
 *
 * Both print one line per failed object ("<object>: <why>") and a summary line on stderr, and
 * a live progress line when stderr is a terminal.
 */
#ifndef CT_FETCH_H
#define CT_FETCH_H

#include "digest.h"
#include "err.h"

#include <stddef.h>

typedef struct {
	const char *const *endpoints; /* NULL/0: the scheme's default */
	size_t nendpoints;
	int jobs;
	int retries;
	const char *cacert;
	long stall_seconds;
} ct_fetch_opts;

ct_code ct_fetch_prefix(const ct_fetch_opts *opts, const char *source, const char *dir);
ct_code ct_fetch_url(const ct_fetch_opts *opts, const char *url, ct_digest_kind kind,
                     const char *hex, const char *file, char got[CT_HEX_MAX]);

#endif
