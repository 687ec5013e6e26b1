/* npy.h: NumPy's .npy format (what an .npz holds), read from memory.
 *
 * A .npy is the magic "\x93NUMPY", a version (1.0: 2-byte header length; 2.0 and 3.0: 4-byte),
 * a header that is a Python dict literal {'descr': '<u1', 'fortran_order': False,
 * 'shape': (N, 28, 28, 28), } padded with spaces, then the data. Only C-ordered arrays of
 * integers (1, 2, 4 or 8 bytes, either sign, little endian or byte-sized) are accepted:
 * that is all a medmnist npz holds.
 */
#ifndef CT_NPY_H
#define CT_NPY_H

#include "err.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
	int ndim;
	size_t shape[8];
	size_t item;     /* bytes per element */
	int is_signed;
	const unsigned char *data; /* into the buffer given to ct_npy_parse */
	size_t count;    /* elements */
} ct_npy;

ct_code ct_npy_parse(const void *buf, size_t len, const char *where, ct_npy *out);
/* Element i as a signed 64-bit integer. */
int64_t ct_npy_int(const ct_npy *a, size_t i);

#endif
