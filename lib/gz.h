/* gz.h: gzip of a whole buffer through libdeflate (several times faster than zlib at the same
 * ratio). The output is one gzip member with mtime 0 and no name: the same input gives the
 * same bytes. */
#ifndef CT_GZ_H
#define CT_GZ_H

#include "err.h"

#include <stddef.h>

/* *out is malloc'd; level 1..12, 0 for the default (6). */
ct_code ct_gzip(const void *in, size_t len, int level, void **out, size_t *outlen);
/* A multi-member gzip stream: the input is cut into fixed 4 MiB pieces, each compressed as its
 * own gzip member (RFC 1952 allows members in sequence) on up to `threads` threads (0: one per
 * online CPU) and handed, in order, to sink (e.g. a file writer); memory holds a few
 * compressed pieces, not the whole output. The pieces do not depend on the thread count, so
 * neither do the bytes; an input of at most one piece gives exactly ct_gzip()'s bytes.
 * zlib's gzread (teem), ITK's NrrdIO and Python's gzip read every member. */
typedef ct_code (*ct_gzip_sink)(void *ctx, const void *buf, size_t len);
ct_code ct_gzip_pieces(const void *in, size_t len, int level, int threads, ct_gzip_sink sink,
                       void *ctx);
/* Whole gzip stream (one or more members) into a malloc'd buffer. */
ct_code ct_gunzip(const void *in, size_t len, void **out, size_t *outlen);

#endif
