/* pin.h: the expected digests of remote inputs, kept in checksums/ files.
 *
 * A pin file has md5sum's layout, one "HEX  NAME" a line ('#' starts a comment, blank lines are
 * ignored). A line whose HEX is not a hex digest of the file's kind (say "UNKNOWN-fill-in")
 * holds a place for a pin nobody has computed yet: looking it up fails with a message saying
 * so, so a target that needs it stops before any download.
 */
#ifndef CT_PIN_H
#define CT_PIN_H

#include "digest.h"
#include "err.h"

#include <stddef.h>

/* hex of NAME in the pin file. CT_EDATA "not pinned" (*found = 0) when no line names it;
 * CT_EDATA when the line is a placeholder (*found = 1). found may be NULL. */
ct_code ct_pin_lookup(const char *file, ct_digest_kind kind, const char *name, char hex[CT_HEX_MAX], int *found);

/* Every pin of the file is a digest of kind, no NAME is pinned twice with two digests, and each
 * of names[0..n) is pinned: a target checks all its pins with one call before its first
 * download. CT_EDATA names the file and every problem (line numbers, names), up to a bound. */
ct_code ct_pin_check(const char *file, ct_digest_kind kind, const char *const *names, size_t n);

/* Write file (atomically, replacing it) as the one pin "HEX  NAME" (a pin recorded on first
 * use, for a source that publishes no digest). */
ct_code ct_pin_record(const char *file, const char *hex, const char *name);

#endif
