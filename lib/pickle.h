/* pickle.h: the scan list CT-FM loads, as a Python pickle written from C.
 *
 * The file is a pickle (protocol 2) of a plain list of pathlib.PosixPath: what CT-FM's config
 * gets from pickle.load(open(path, 'rb')). Each element is written as the call
 * PosixPath('<path>'), which is how pathlib pickles itself (class and path parts, then REDUCE).
 * Written atomically.
 */
#ifndef CT_PICKLE_H
#define CT_PICKLE_H

#include "err.h"

#include <stddef.h>

ct_code ct_pickle_write_paths(const char *out, const char *const *paths, size_t n);

#endif
