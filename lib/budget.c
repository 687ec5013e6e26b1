/* budget.c: see budget.h. */
#include "budget.h"

#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define BUDGET_SIGNAL (SIGRTMIN + 1)
#define RETRY_MS 10
#define MAX_RANGES 64

/* The listed libraries' code, written at init only (read by the handler). */
static struct { uintptr_t from, to; } ranges[MAX_RANGES];
static int nranges;
static long base_ms = 2000;
static pthread_key_t timer_key;

struct budget {
	timer_t timer;
	int made;              // 1: timer exists; -1: the system refused one
	sigjmp_buf *volatile back; // null: no budget armed (read by the handler)
	long ms, outside_ms;   // the budget; CPU spent past it outside the listed code
	const char *what;
};
static __thread struct budget me;

struct names {
	const char *const *names;
};

static int note_library(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	const struct names *n = arg;
	int listed = 0;
	for (const char *const *p = n->names; *p && info->dlpi_name; p++)
		listed |= strstr(info->dlpi_name, *p) != NULL;
	for (int i = 0; listed && i < info->dlpi_phnum && nranges < MAX_RANGES; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
			ranges[nranges].from = info->dlpi_addr + ph->p_vaddr;
			ranges[nranges].to = ranges[nranges].from + ph->p_memsz;
			nranges++;
		}
	}
	return 0;
}

static uintptr_t interrupted_at(const void *uc)
{
	const ucontext_t *u = uc;
#if defined(__x86_64__)
	return (uintptr_t)u->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uintptr_t)u->uc_mcontext.pc;
#else
	(void)u;
	return 0; // unknown: never jump, the last resort applies
#endif
}

static int in_listed_code(uintptr_t pc)
{
	for (int i = 0; i < nranges; i++)
		if (pc >= ranges[i].from && pc < ranges[i].to)
			return 1;
	return 0;
}

static void arm(long ms)
{
	struct itimerspec t = {.it_value = {ms / 1000, (ms % 1000) * 1000000L}};
	timer_settime(me.timer, 0, &t, NULL); // async-signal-safe (POSIX)
}

// Append s to the line at *n (cap bytes in all): async-signal-safe.
static void append(char *line, size_t *n, size_t cap, const char *s)
{
	size_t k = strlen(s);
	if (k > cap - 1 - *n)
		k = cap - 1 - *n;
	memcpy(line + *n, s, k);
	*n += k;
}

// The last resort (see budget.h): one write, only async-signal-safe calls.
static void stop_process(void)
{
	char line[1024];
	size_t n = 0;
	append(line, &n, sizeof line, program_invocation_short_name);
	append(line, &n, sizeof line, ": ");
	append(line, &n, sizeof line, me.what ? me.what : "?");
	append(line, &n, sizeof line, ": twice its CPU budget spent outside the codecs: stopped\n");
	ssize_t w = write(2, line, n);
	(void)w;
	_exit(1);
}

static void on_timer(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	int saved = errno;
	sigjmp_buf *back = me.back;
	if (!back)
		return; // disarmed after the signal was sent
	if (in_listed_code(interrupted_at(uc))) {
		me.back = NULL;
		siglongjmp(*back, CT_BUDGET_SPENT);
	}
	me.outside_ms += RETRY_MS;
	if (me.outside_ms >= me.ms)
		stop_process();
	arm(RETRY_MS);
	errno = saved;
}

static void drop_timer(void *p)
{
	timer_delete(((struct budget *)p)->timer);
}

// A forked child has no timers: its thread makes its own on its next budget.
static void forget_timer(void)
{
	me.made = 0;
	me.back = NULL;
}

void ct_budget_init(const char *const *names)
{
	struct names n = {names};
	nranges = 0;
	dl_iterate_phdr(note_library, &n);
	const char *e = getenv("CT_CPU_BUDGET_MS");
	if (e && atol(e) > 0)
		base_ms = atol(e);
	pthread_key_create(&timer_key, drop_timer);
	pthread_atfork(NULL, NULL, forget_timer);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_timer;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(BUDGET_SIGNAL, &sa, NULL);
}

long ct_budget_base_ms(void)
{
	return base_ms;
}

// This thread's timer, on its CPU clock, signalling this thread only.
static int make_timer(void)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = BUDGET_SIGNAL;
	ev._sigev_un._tid = gettid(); // sigev_notify_thread_id, which glibc 2.36 does not name
	if (timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &me.timer) != 0)
		return -1;
	pthread_setspecific(timer_key, &me);
	return 1;
}

void ct_budget_start(sigjmp_buf *back, long ms, const char *what)
{
	if (!me.made)
		me.made = make_timer();
	if (me.made < 0)
		return;
	me.ms = ms;
	me.outside_ms = 0;
	me.what = what;
	me.back = back;
	arm(ms);
}

void ct_budget_stop(void)
{
	if (me.made <= 0)
		return;
	me.back = NULL;
	arm(0);
}
