/* nrrd.h: write a volume as a gzip-encoded NRRD (NRRD0004), deterministically.
 *
 * The same header and data always give the same bytes (no time stamps, fixed number
 * formatting: the shortest decimal that reads back as the same double). With space
 * directions set, the file is in "left-posterior-superior" space, as plastimatch writes and
 * ITK, teem and MONAI read. Data are in memory order, the first axis fastest, little endian.
 * The data are a multi-member gzip stream (lib/gz.h, ct_gzip_pieces) compressed on several
 * threads. The file is written atomically (lib/fs.h).
 */
#ifndef CT_NRRD_H
#define CT_NRRD_H

#include "err.h"

#include <stddef.h>

typedef enum { CT_NRRD_UINT8, CT_NRRD_INT16, CT_NRRD_FLOAT32 } ct_nrrd_type;

typedef struct {
	ct_nrrd_type type;
	int dim;               /* 1 to 4 */
	size_t sizes[4];       /* fastest axis first */
	int has_space;         /* write space, space directions, space origin (LPS, 3-D only) */
	double directions[3][3]; /* directions[axis] = the step along that axis in mm, LPS */
	double origin[3];
	int level;             /* gzip level 1..12 (libdeflate); 0 means the default, 6 */
	int threads;           /* threads compressing (0: one per CPU); the bytes do not depend on it */
} ct_nrrd;

size_t ct_nrrd_type_size(ct_nrrd_type t);
size_t ct_nrrd_voxels(const ct_nrrd *h);
/* The header text (malloc'd), ending in the blank line that precedes the data. */
char *ct_nrrd_header_text(const ct_nrrd *h);
ct_code ct_nrrd_write(const char *path, const ct_nrrd *h, const void *data);

/* The same file written while its data are still being filled: ct_nrrd_open() writes the
 * header to a temporary; ct_nrrd_put(o, k), from any thread, compresses piece k of the data
 * (bytes k x CT_GZIP_PIECE onward, which must be final by then); ct_nrrd_commit() puts the file
 * under its name once every piece is written, ct_nrrd_abort() drops it. Both free o. */
typedef struct ct_nrrd_out ct_nrrd_out;
ct_code ct_nrrd_open(const char *path, const ct_nrrd *h, const void *data, ct_nrrd_out **o);
size_t ct_nrrd_pieces(const ct_nrrd_out *o);
ct_code ct_nrrd_put(ct_nrrd_out *o, size_t k);
ct_code ct_nrrd_commit(ct_nrrd_out *o);
void ct_nrrd_abort(ct_nrrd_out *o);
/* Shortest "%.*g" of v that reads back as v exactly, without an exponent when one is not
 * needed (-200, not -2e+02); buf of 32 bytes. */
void ct_fmt_double(char *buf, double v);

#endif
