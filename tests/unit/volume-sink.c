/* Unit tests: lib/volume's sink. pydicom's real series CT5N (16 x 16 x 5) is loaded without a
 * sink and with one that takes the voxels in pieces while they are decoded: the pieces cover
 * the volume, in whole, each once, and hold the very bytes of the load without a sink; on one
 * thread or two. */
#include "volume.h"
#include "tap.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define CT5N "/usr/lib/python3/dist-packages/pydicom/data/test_files/dicomdirtests/98892001/CT5N"
#define PIECE 100 /* bytes: small and not a divisor of a plane (512 bytes), so pieces straddle planes */

typedef struct {
	const ct_volume *v;
	size_t pieces, bytes;
	unsigned char *copy;  /* each piece's bytes, where they belong */
	int *seen;
	int begun, bad_call;
	pthread_mutex_t lock;
} taker;

static ct_code begin(void *ctx, const ct_volume *v, size_t *piece, size_t *pieces)
{
	taker *t = ctx;
	t->v = v;
	t->bytes = ct_nrrd_voxels(&v->nrrd) * ct_nrrd_type_size(v->nrrd.type);
	t->pieces = (t->bytes + PIECE - 1) / PIECE;
	t->copy = calloc(1, t->bytes);
	t->seen = calloc(t->pieces, sizeof *t->seen);
	t->begun++;
	*piece = PIECE;
	*pieces = t->pieces;
	return CT_OK;
}

static ct_code piece(void *ctx, size_t k)
{
	taker *t = ctx;
	size_t off = k * PIECE, n = t->bytes - off < PIECE ? t->bytes - off : PIECE;
	pthread_mutex_lock(&t->lock);
	if (k >= t->pieces)
		t->bad_call = 1;
	else
		t->seen[k]++;
	pthread_mutex_unlock(&t->lock);
	/* The bytes are final now: copy them as they are at this moment. */
	memcpy(t->copy + off, (const unsigned char *)t->v->data + off, n);
	return CT_OK;
}

static void cancel(void *ctx)
{
	(void)ctx;
}

static int each_once(const taker *t)
{
	for (size_t k = 0; k < t->pieces; k++)
		if (t->seen[k] != 1)
			return 0;
	return 1;
}

int main(void)
{
	ct_slices series;
	ct_code c = ct_slices_read(CT5N, &(ct_slices_opts){.threads = 2}, &series);
	CHECK(c == CT_OK && series.n == 5, "CT5N's five slices are read");
	ct_volume plain;
	ct_volume_opts o = {.threads = 2};
	c = ct_volume_load(&series, &o, &plain);
	CHECK(c == CT_OK && plain.data && plain.nrrd.sizes[2] > 1, "CT5N loads without a sink");
	size_t bytes = ct_nrrd_voxels(&plain.nrrd) * ct_nrrd_type_size(plain.nrrd.type);

	for (int threads = 1; threads <= 2; threads++) {
		taker t = {0};
		pthread_mutex_init(&t.lock, NULL);
		ct_volume_sink sink = {begin, piece, cancel, &t};
		ct_volume_opts so = {.threads = threads, .sink = &sink};
		ct_volume v;
		ct_code sc = ct_volume_load(&series, &so, &v);
		CHECK(sc == CT_OK && t.begun == 1 && t.bytes == bytes && !t.bad_call && each_once(&t),
		      "%d thread(s): begin once, then every one of the %zu pieces once", threads, t.pieces);
		CHECK(t.copy && !memcmp(t.copy, plain.data, bytes),
		      "%d thread(s): each piece held its final bytes when it was handed over", threads);
		CHECK(v.data && !memcmp(v.data, plain.data, bytes), "%d thread(s): the volume is the same", threads);
		ct_volume_free(&v);
		free(t.copy);
		free(t.seen);
		pthread_mutex_destroy(&t.lock);
	}
	ct_volume_free(&plain);
	ct_slices_free(&series);
	return tap_done();
}
