/* par.c: see par.h. */
#include "par.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The failure a run reports: the one with the lowest rank, whatever the thread timing. */
typedef struct {
	ct_code err;
	size_t rank;
	char msg[1024];
} failure;

/* Under the caller's lock. */
static void note_failure(failure *f, ct_code c, size_t rank)
{
	if (f->err == CT_OK || rank < f->rank) {
		f->err = c;
		f->rank = rank;
		snprintf(f->msg, sizeof f->msg, "%s", ct_errmsg());
	}
}

static ct_code reported(const failure *f)
{
	return f->err ? ct_fail(f->err, "%s", f->msg) : CT_OK;
}

typedef struct {
	ct_par_fn fn;
	void *ctx;
	size_t n;
	atomic_size_t next;
	atomic_bool stop;
	pthread_mutex_t lock;
	failure fail;
} job;

/* Online CPUs, at least 1: the thread count for threads = 0. */
static int cpus(void)
{
	long c = sysconf(_SC_NPROCESSORS_ONLN);
	return c > 0 ? (int)c : 1;
}

static void *worker(void *arg)
{
	job *j = arg;
	while (!atomic_load(&j->stop)) {
		size_t i = atomic_fetch_add(&j->next, 1);
		if (i >= j->n)
			break;
		ct_code c = j->fn(j->ctx, i);
		if (c == CT_OK)
			continue;
		pthread_mutex_lock(&j->lock);
		note_failure(&j->fail, c, i);
		pthread_mutex_unlock(&j->lock);
		atomic_store(&j->stop, 1);
	}
	return NULL;
}

/* Up to `threads` threads (0: one per CPU, never more than n) run worker(arg); the calling
 * thread is one of them. */
static void run_threads(size_t n, int threads, void *(*worker)(void *), void *arg)
{
	if (threads <= 0)
		threads = cpus();
	if ((size_t)threads > n)
		threads = n ? (int)n : 1;
	pthread_t t[64];
	int started = 0;
	for (int k = 1; k < threads && k < 64; k++)
		if (pthread_create(&t[started], NULL, worker, arg) == 0)
			started++;
	worker(arg);
	for (int k = 0; k < started; k++)
		pthread_join(t[k], NULL);
}

ct_code ct_par_for(size_t n, int threads, ct_par_fn fn, void *ctx)
{
	job j = {.fn = fn, .ctx = ctx, .n = n};
	atomic_init(&j.next, 0);
	atomic_init(&j.stop, 0);
	pthread_mutex_init(&j.lock, NULL);
	run_threads(n, threads, worker, &j);
	pthread_mutex_destroy(&j.lock);
	return reported(&j.fail);
}

typedef struct {
	ct_par_fn make, use;
	void *ctx;
	size_t makes, uses;
	const size_t *need;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	size_t next_make, next_use;
	size_t made;           /* makes 0..made-1 are all done */
	unsigned char *done;   /* per make */
	int stop;
	failure fail;
} flow;

/* The next task, under the lock: a use whose makes are done before another make, so finished
 * work leaves memory early. 0: nothing left; -1: wait for a make to finish. */
static int next_task(flow *f, int *use, size_t *i)
{
	if (f->stop || (f->next_use == f->uses && f->next_make == f->makes))
		return 0;
	*use = f->next_use < f->uses && f->need[f->next_use] <= f->made;
	if (!*use && f->next_make == f->makes)
		return -1;
	*i = *use ? f->next_use++ : f->next_make++;
	return 1;
}

static void *flow_worker(void *arg)
{
	flow *f = arg;
	int use, r;
	size_t i;
	pthread_mutex_lock(&f->lock);
	while ((r = next_task(f, &use, &i)) != 0) {
		if (r < 0) {
			pthread_cond_wait(&f->wake, &f->lock);
			continue;
		}
		pthread_mutex_unlock(&f->lock);
		ct_code c = use ? f->use(f->ctx, i) : f->make(f->ctx, i);
		pthread_mutex_lock(&f->lock);
		if (c) {
			note_failure(&f->fail, c, use ? f->makes + i : i);
			f->stop = 1;
		}
		if (!use)
			for (f->done[i] = 1; f->made < f->makes && f->done[f->made];)
				f->made++;
		pthread_cond_broadcast(&f->wake);
	}
	pthread_cond_broadcast(&f->wake);
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

ct_code ct_par_flow(size_t makes, size_t uses, const size_t *need, int threads, ct_par_fn make,
                    ct_par_fn use, void *ctx)
{
	for (size_t k = 0; k < uses; k++)
		if (need[k] > makes || (k && need[k] < need[k - 1]))
			return ct_fail(CT_EUSAGE, "ct_par_flow: need[%zu] = %zu is out of order", k, need[k]);
	flow f = {.make = make, .use = use, .ctx = ctx, .makes = makes, .uses = uses, .need = need,
	          .done = calloc(makes + 1, 1)};
	if (!f.done)
		return ct_fail(CT_ENOMEM, "out of memory");
	pthread_mutex_init(&f.lock, NULL);
	pthread_cond_init(&f.wake, NULL);
	run_threads(makes + uses, threads, flow_worker, &f);
	pthread_cond_destroy(&f.wake);
	pthread_mutex_destroy(&f.lock);
	free(f.done);
	return reported(&f.fail);
}

struct ct_par_queue {
	ct_par_batch_fn fn;
	void *ctx;
	pthread_t thread;
	bool started, closing;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	void **items;       /* put, not yet taken */
	size_t n, cap;
};

/* Take everything put so far; the caller frees the batch. */
static void **take(ct_par_queue *q, size_t *n)
{
	void **batch = q->items;
	*n = q->n;
	q->items = NULL;
	q->n = q->cap = 0;
	return batch;
}

static void *queue_main(void *arg)
{
	ct_par_queue *q = arg;
	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->n && !q->closing)
			pthread_cond_wait(&q->wake, &q->lock);
		if (!q->n)
			break; /* closing, and nothing left */
		size_t n;
		void **batch = take(q, &n);
		pthread_mutex_unlock(&q->lock);
		q->fn(q->ctx, batch, n);
		free(batch);
		pthread_mutex_lock(&q->lock);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

ct_code ct_par_queue_start(ct_par_batch_fn fn, void *ctx, ct_par_queue **out)
{
	ct_par_queue *q = calloc(1, sizeof *q);
	if (!q)
		return ct_fail(CT_ENOMEM, "out of memory");
	q->fn = fn;
	q->ctx = ctx;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->wake, NULL);
	q->started = pthread_create(&q->thread, NULL, queue_main, q) == 0;
	*out = q;
	return CT_OK;
}

ct_code ct_par_queue_put(ct_par_queue *q, void **items, size_t n)
{
	if (!q->started) {
		q->fn(q->ctx, items, n);
		return CT_OK;
	}
	pthread_mutex_lock(&q->lock);
	if (q->n + n > q->cap) {
		size_t cap = (q->n + n) * 2;
		void **grown = realloc(q->items, cap * sizeof *grown);
		if (!grown) {
			pthread_mutex_unlock(&q->lock);
			return ct_fail(CT_ENOMEM, "out of memory");
		}
		q->items = grown;
		q->cap = cap;
	}
	memcpy(q->items + q->n, items, n * sizeof *items);
	q->n += n;
	pthread_cond_signal(&q->wake);
	pthread_mutex_unlock(&q->lock);
	return CT_OK;
}

void ct_par_queue_finish(ct_par_queue *q)
{
	if (!q)
		return;
	if (q->started) {
		pthread_mutex_lock(&q->lock);
		q->closing = true;
		pthread_cond_signal(&q->wake);
		pthread_mutex_unlock(&q->lock);
		pthread_join(q->thread, NULL);
	}
	pthread_cond_destroy(&q->wake);
	pthread_mutex_destroy(&q->lock);
	free(q->items);
	free(q);
}
