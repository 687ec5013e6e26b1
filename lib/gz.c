/* gz.c: see gz.h. */
#include "gz.h"

#include <libdeflate.h>
#include <stdlib.h>
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
