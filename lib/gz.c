/* gz.c: see gz.h. */
#include "gz.h"
#include "par.h"

#include <libdeflate.h>
#include <pthread.h>
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

struct ct_gzip_stream {
	const unsigned char *in;
	size_t len, count;
	int level;
	ct_gzip_sink sink;
	void *ctx;
	pthread_mutex_t lock;
	size_t next;             /* the next piece the sink takes */
	unsigned char **waiting; /* compressed pieces waiting for their turn */
	size_t *size;
	ct_code failed;          /* the sink's first failure: nothing more is handed to it */
};

ct_code ct_gzip_stream_new(const void *in, size_t len, int level, ct_gzip_sink sink, void *ctx,
                           ct_gzip_stream **out)
{
	ct_gzip_stream *s = calloc(1, sizeof *s);
	size_t count = len ? (len + CT_GZIP_PIECE - 1) / CT_GZIP_PIECE : 1;
	if (s) {
		s->waiting = calloc(count, sizeof *s->waiting);
		s->size = calloc(count, sizeof *s->size);
	}
	if (!s || !s->waiting || !s->size) {
		if (s)
			free(s->waiting), free(s->size);
		free(s);
		return ct_fail(CT_ENOMEM, "gzip: out of memory");
	}
	*s = (ct_gzip_stream){.in = in, .len = len, .count = count, .level = level > 0 ? level : 6,
	                      .sink = sink, .ctx = ctx, .waiting = s->waiting, .size = s->size};
	pthread_mutex_init(&s->lock, NULL);
	*out = s;
	return CT_OK;
}

size_t ct_gzip_stream_pieces(const ct_gzip_stream *s)
{
	return s->count;
}

/* Under the lock: every piece whose turn has come, to the sink. */
static ct_code drain(ct_gzip_stream *s)
{
	ct_code c = CT_OK;
	for (; s->next < s->count && s->waiting[s->next]; s->next++) {
		if (!s->failed)
			c = s->failed = s->sink(s->ctx, s->waiting[s->next], s->size[s->next]);
		free(s->waiting[s->next]);
		s->waiting[s->next] = NULL;
	}
	return c;
}

ct_code ct_gzip_stream_piece(ct_gzip_stream *s, size_t k)
{
	size_t off = k * CT_GZIP_PIECE, n = s->len - off < CT_GZIP_PIECE ? s->len - off : CT_GZIP_PIECE, got;
	void *buf;
	ct_code c = ct_gzip(s->in + off, n, s->level, &buf, &got); /* a piece is a whole member */
	if (c)
		return c;
	pthread_mutex_lock(&s->lock);
	s->waiting[k] = buf;
	s->size[k] = got;
	c = drain(s);
	pthread_mutex_unlock(&s->lock);
	return c;
}

int ct_gzip_stream_complete(const ct_gzip_stream *s)
{
	return s->next == s->count && !s->failed;
}

void ct_gzip_stream_free(ct_gzip_stream *s)
{
	if (!s)
		return;
	for (size_t k = 0; k < s->count; k++)
		free(s->waiting[k]);
	pthread_mutex_destroy(&s->lock);
	free(s->waiting);
	free(s->size);
	free(s);
}

static ct_code piece(void *ctx, size_t k)
{
	return ct_gzip_stream_piece(ctx, k);
}

ct_code ct_gzip_pieces(const void *in, size_t len, int level, int threads, ct_gzip_sink sink,
                       void *ctx)
{
	ct_gzip_stream *s;
	ct_code c = ct_gzip_stream_new(in, len, level, sink, ctx, &s);
	if (!c)
		c = ct_par_for(s->count, threads, piece, s);
	ct_gzip_stream_free(s);
	return c;
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
