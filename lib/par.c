/* par.c: see par.h. */
#include "par.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	ct_par_fn fn;
	void *ctx;
	size_t n;
	atomic_size_t next;
	atomic_bool stop;
	pthread_mutex_t lock;
	size_t err_index;
	ct_code err;
	char msg[1024];
} job;

int ct_par_cpus(void)
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
		if (j->err == CT_OK || i < j->err_index) {
			j->err = c;
			j->err_index = i;
			snprintf(j->msg, sizeof j->msg, "%s", ct_errmsg());
		}
		pthread_mutex_unlock(&j->lock);
		atomic_store(&j->stop, 1);
	}
	return NULL;
}

ct_code ct_par_for(size_t n, int threads, ct_par_fn fn, void *ctx)
{
	job j = {.fn = fn, .ctx = ctx, .n = n, .err = CT_OK};
	atomic_init(&j.next, 0);
	atomic_init(&j.stop, 0);
	pthread_mutex_init(&j.lock, NULL);
	if (threads <= 0)
		threads = ct_par_cpus();
	if ((size_t)threads > n)
		threads = n ? (int)n : 1;
	pthread_t t[64];
	int started = 0;
	for (int k = 1; k < threads && k < 64; k++)
		if (pthread_create(&t[started], NULL, worker, &j) == 0)
			started++;
	worker(&j); /* the calling thread works too */
	for (int k = 0; k < started; k++)
		pthread_join(t[k], NULL);
	pthread_mutex_destroy(&j.lock);
	if (j.err)
		return ct_fail(j.err, "%s", j.msg);
	return CT_OK;
}
