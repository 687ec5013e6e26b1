/* par.h: the ways ctmake uses threads, so no other module creates one: a parallel for, a flow
 * of producers and consumers (decoding slices while compressing the volume), and a background
 * queue (ct-fetch's syncs and renames).
 *
 * ct_par_for() calls fn(ctx, i) once for every i, from up to `threads` threads (0: one per
 * online CPU), and returns when all are done. When calls fail, work stops being handed out and
 * the failure with the lowest index is returned with its message (so a run's error does not
 * depend on thread timing). fn must be safe to run concurrently for different i.
 */
#ifndef CT_PAR_H
#define CT_PAR_H

#include "err.h"

#include <stddef.h>

typedef ct_code (*ct_par_fn)(void *ctx, size_t i);

ct_code ct_par_for(size_t n, int threads, ct_par_fn fn, void *ctx);
/* Two kinds of work on one pool: `makes` producing calls make(ctx, i), in order of i, and
 * `uses` consuming calls use(ctx, k), each started only when make calls 0..need[k]-1 have
 * all returned (need non-decreasing, at most makes). A use that may start goes before the
 * next make, so what is produced is consumed early (decoding and compressing overlap). On a
 * failure nothing more is started; the failure reported is the lowest make index, else the
 * lowest use index. */
ct_code ct_par_flow(size_t makes, size_t uses, const size_t *need, int threads, ct_par_fn make,
                    ct_par_fn use, void *ctx);
/* A thread of its own for work that waits (a disk flush) while the caller goes on: items put
 * with ct_par_queue_put() reach fn(ctx, items, n) in batches, in the order put, on the queue's
 * thread. ct_par_queue_finish() hands over what is left, waits for it, and frees the queue.
 * When no thread can be started, put calls fn itself. */
typedef void (*ct_par_batch_fn)(void *ctx, void **items, size_t n);
typedef struct ct_par_queue ct_par_queue;
ct_code ct_par_queue_start(ct_par_batch_fn fn, void *ctx, ct_par_queue **q);
ct_code ct_par_queue_put(ct_par_queue *q, void **items, size_t n);
void ct_par_queue_finish(ct_par_queue *q);

#endif
