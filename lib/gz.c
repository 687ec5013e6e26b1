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
	size_t len, first;     /* the round's first piece */
	size_t bound;          /* room for one compressed piece */
	unsigned char *out;    /* one slot of bound bytes per piece of the round */
	size_t *got;           /* compressed size of each piece of the round */
	int level;
} round;

static ct_code compress_piece(void *ctx, size_t k)
{
	round *r = ctx;
	size_t off = (r->first + k) * PIECE, n = r->len - off < PIECE ? r->len - off : PIECE;
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(r->level);
	if (!c)
		return ct_fail(CT_ENOMEM, "gzip: cannot allocate a compressor");
	r->got[k] = libdeflate_gzip_compress(c, r->in + off, n, r->out + k * r->bound, r->bound);
	libdeflate_free_compressor(c);
	return r->got[k] ? CT_OK : ct_fail(CT_ENOMEM, "gzip: piece %zu did not fit", r->first + k);
}

ct_code ct_gzip_pieces(const void *in, size_t len, int level, int threads, ct_gzip_sink sink,
                       void *ctx)
{
	level = level > 0 ? level : 6;
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
	if (!c)
		return ct_fail(CT_ENOMEM, "gzip: cannot allocate a compressor");
	size_t count = len ? (len + PIECE - 1) / PIECE : 1, batch = 2 * (size_t)(threads > 0 ? threads : ct_par_cpus());
	round r = {.in = in, .len = len, .level = level,
	           .bound = libdeflate_gzip_compress_bound(c, len < PIECE ? len : PIECE)};
	libdeflate_free_compressor(c);
	batch = batch < count ? batch : count;
	r.out = malloc(batch * r.bound);
	r.got = calloc(batch, sizeof *r.got);
	ct_code rc = r.out && r.got ? CT_OK : ct_fail(CT_ENOMEM, "gzip: out of memory");
	/* Rounds of a few pieces: memory stays a few pieces, whatever the input size. */
	for (r.first = 0; !rc && r.first < count; r.first += batch) {
		size_t n = count - r.first < batch ? count - r.first : batch;
		rc = ct_par_for(n, threads, compress_piece, &r);
		for (size_t k = 0; !rc && k < n; k++)
			rc = sink(ctx, r.out + k * r.bound, r.got[k]);
	}
	free(r.out);
	free(r.got);
	return rc;
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
