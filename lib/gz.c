/* gz.c: see gz.h. */
#include "gz.h"
#include "par.h"

#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

ct_code ct_gzip(const void *in, size_t len, int level, void **out, size_t *outlen)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(level > 0 ? level : 6);
	if (!c)
		return ct_fail(CT_ENOMEM, "gzip: cannot allocate a compressor");
	size_t cap = libdeflate_gzip_compress_bound(c, len);
	unsigned char *buf = malloc(cap);
	size_t n = buf ? libdeflate_gzip_compress(c, in, len, buf, cap) : 0;
	libdeflate_free_compressor(c);
	if (!n) {
		free(buf);
		return ct_fail(CT_ENOMEM, "gzip: out of memory compressing %zu bytes", len);
	}
	*out = buf;
	*outlen = n;
	return CT_OK;
}

#define PIECE (4u << 20)

typedef struct {
	const unsigned char *in;
	size_t len, bound;     /* bound: room reserved in out for each piece */
	unsigned char *out;
	size_t *got;           /* compressed size of each piece */
	int level;
} pieces;

static ct_code compress_piece(void *ctx, size_t i)
{
	pieces *p = ctx;
	size_t off = i * PIECE, n = p->len - off < PIECE ? p->len - off : PIECE;
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(p->level);
	if (!c)
		return ct_fail(CT_ENOMEM, "gzip: cannot allocate a compressor");
	p->got[i] = libdeflate_gzip_compress(c, p->in + off, n, p->out + i * p->bound, p->bound);
	libdeflate_free_compressor(c);
	return p->got[i] ? CT_OK : ct_fail(CT_ENOMEM, "gzip: piece %zu did not fit", i);
}

ct_code ct_gzip_parallel(const void *in, size_t len, int level, int threads, void **out,
                         size_t *outlen)
{
	if (len <= PIECE)
		return ct_gzip(in, len, level, out, outlen);
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(level > 0 ? level : 6);
	if (!c)
		return ct_fail(CT_ENOMEM, "gzip: cannot allocate a compressor");
	size_t count = (len + PIECE - 1) / PIECE;
	pieces p = {.in = in, .len = len, .bound = libdeflate_gzip_compress_bound(c, PIECE),
	            .level = level > 0 ? level : 6};
	libdeflate_free_compressor(c);
	/* Untouched pages of the reserve cost no memory: only the compressed bytes become resident. */
	p.out = malloc(count * p.bound);
	p.got = calloc(count, sizeof *p.got);
	ct_code rc = p.out && p.got ? ct_par_for(count, threads, compress_piece, &p)
	                            : ct_fail(CT_ENOMEM, "gzip: out of memory for %zu bytes", len);
	if (rc) {
		free(p.out);
		free(p.got);
		return rc;
	}
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		memmove(p.out + n, p.out + i * p.bound, p.got[i]);
		n += p.got[i];
	}
	free(p.got);
	*out = p.out;
	*outlen = n;
	return CT_OK;
}

/* zlib, not libdeflate: libdeflate needs the output size up front and reads one member. */
ct_code ct_gunzip(const void *in, size_t len, void **out, size_t *outlen)
{
	z_stream z = {0};
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return ct_fail(CT_ENOMEM, "gunzip: cannot initialise");
	size_t cap = len * 4 + 1024, n = 0;
	unsigned char *buf = malloc(cap);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	int r = Z_OK;
	while (buf) {
		z.next_out = buf + n;
		z.avail_out = (uInt)(cap - n);
		r = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
		if (r == Z_STREAM_END && z.avail_in > 0) { /* another member follows */
			inflateReset(&z);
			continue;
		}
		if (r != Z_OK)
			break;
		if (z.avail_out == 0) {
			unsigned char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	inflateEnd(&z);
	if (!buf)
		return ct_fail(CT_ENOMEM, "gunzip: out of memory");
	if (r != Z_STREAM_END) {
		free(buf);
		return ct_fail(CT_EDATA, "gunzip: corrupt or truncated gzip data");
	}
	*out = buf;
	*outlen = n;
	return CT_OK;
}
