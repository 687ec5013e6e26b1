/* par.h: run a function over 0..n-1 on a few threads.
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
/* The number of threads ct_par_for() uses for `threads` = 0 (online CPUs, at least 1). */
int ct_par_cpus(void);

#endif
