/* dirswap.h: a directory that appears whole or not at all.
 *
 * Build it in ct_dir_temp_beside(DIR) (a fresh "DIR.unpack.XXXXXX" in DIR's parent, same file
 * system), then ct_dir_publish() flushes it to disk (syncfs) and renames it onto DIR; an older
 * DIR is moved aside first and removed only after the rename succeeded (put back when it
 * failed). Readers, and a machine that lost power, see the old directory or the new one, never
 * a half-filled one.
 */
#ifndef CT_DIRSWAP_H
#define CT_DIRSWAP_H

#include "err.h"

/* malloc'd path of a new empty directory beside dir (its parent made when missing), or NULL. */
char *ct_dir_temp_beside(const char *dir);
ct_code ct_dir_publish(const char *src, const char *dir);
/* rm -rf, never following symbolic links; errors ignored. */
void ct_remove_tree(const char *dir);

#endif
