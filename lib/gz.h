/* gz.h: gzip of a whole buffer through libdeflate (several times faster than zlib at the same
 * ratio). The output is one gzip member with mtime 0 and no name: the same input gives the
 * same bytes. */
#ifndef CT_GZ_H
#define CT_GZ_H

#include "err.h"

#include <stddef.h>

/* *out is malloc'd; level 1..12, 0 for the default (6). */
ct_code ct_gzip(const void *in, size_t len, int level, void **out, size_t *outlen);
/* A multi-member gzip stream: the input is cut into fixed pieces of CT_GZIP_PIECE bytes, each
 * compressed as its own gzip member (RFC 1952 allows members in sequence) and handed, in order,
 * to sink (e.g. a file writer). The pieces do not depend on the thread count, so neither do the
 * bytes; an input of at most one piece gives exactly ct_gzip()'s bytes. zlib's gzread (teem),
 * ITK's NrrdIO and Python's gzip read every member. */
#define CT_GZIP_PIECE ((size_t)4 << 20)
typedef ct_code (*ct_gzip_sink)(void *ctx, const void *buf, size_t len);
/* The whole input on up to `threads` threads (0: one per online CPU). */
ct_code ct_gzip_pieces(const void *in, size_t len, int level, int threads, ct_gzip_sink sink,
                       void *ctx);

/* The same stream piece by piece, for a caller that fills the input while it compresses:
 * ct_gzip_stream_piece(s, k) compresses piece k (its bytes must be final) and hands the sink
 * every piece whose turn has come; it may run on several threads at once for different k.
 * Memory holds only the compressed pieces that wait for an earlier one. A sink failure is
 * returned by the call that met it, and the sink gets nothing more. */
typedef struct ct_gzip_stream ct_gzip_stream;
ct_code ct_gzip_stream_new(const void *in, size_t len, int level, ct_gzip_sink sink, void *ctx,
                           ct_gzip_stream **s);
size_t ct_gzip_stream_pieces(const ct_gzip_stream *s);
ct_code ct_gzip_stream_piece(ct_gzip_stream *s, size_t k);
/* 1 when every piece went to the sink without a failure. */
int ct_gzip_stream_complete(const ct_gzip_stream *s);
void ct_gzip_stream_free(ct_gzip_stream *s);
/* Whole gzip stream (one or more members) into a malloc'd buffer. */
ct_code ct_gunzip(const void *in, size_t len, void **out, size_t *outlen);

#endif
