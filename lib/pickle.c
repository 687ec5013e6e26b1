/* pickle.c: see pickle.h. Opcodes are those of Python's pickletools documentation. */
#include "pickle.h"
#include "fs.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum {
	PROTO = 0x80, EMPTY_LIST = ']', BINPUT = 'q', BINGET = 'h', MARK = '(', APPENDS = 'e',
	GLOBAL = 'c', BINUNICODE = 'X', TUPLE1 = 0x85, REDUCE = 'R', STOP = '.'
};

static void put_u32(FILE *f, uint32_t v)
{
	unsigned char b[4] = {v & 255, (v >> 8) & 255, (v >> 16) & 255, v >> 24};
	fwrite(b, 1, 4, f);
}

static void put_path(FILE *f, const char *path, int first)
{
	if (first) {
		fputc(GLOBAL, f);
		fputs("pathlib\nPosixPath\n", f);
		fputc(BINPUT, f);
		fputc(1, f);
	} else {
		fputc(BINGET, f);
		fputc(1, f);
	}
	size_t n = strlen(path);
	fputc(BINUNICODE, f);
	put_u32(f, (uint32_t)n);
	fwrite(path, 1, n, f);
	fputc(TUPLE1, f);
	fputc(REDUCE, f);
}

ct_code ct_pickle_write_paths(const char *out, const char *const *paths, size_t n)
{
	ct_atomic a;
	ct_code c = ct_atomic_open(&a, out);
	if (c)
		return c;
	FILE *f = ct_atomic_stream(&a);
	fputc(PROTO, f);
	fputc(2, f);
	fputc(EMPTY_LIST, f);
	fputc(BINPUT, f);
	fputc(0, f);
	/* Items go in batches of at most 1000 between MARK and APPENDS, as Python writes them. */
	for (size_t i = 0; i < n; i += 1000) {
		fputc(MARK, f);
		for (size_t k = i; k < n && k < i + 1000; k++)
			put_path(f, paths[k], k == 0);
		fputc(APPENDS, f);
	}
	fputc(STOP, f);
	return ct_atomic_commit(&a);
}
