/* Unit tests of lib/budget: a thread spinning inside a listed library (zlib here) is brought
 * back to its sigsetjmp() point once its CPU budget is spent, each thread on its own clock; a
 * disarmed budget never fires; a thread spinning outside the listed code stops the process
 * with a message naming the work. */
#include "budget.h"
#include "par.h"
#include "tap.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

static double thread_cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static unsigned char block[1 << 20];

/* Spin in zlib (crc32 over 1 MB, for ever) under a budget of ms: CT_BUDGET_SPENT once it is
 * spent, with the CPU it took in *spent_ms. */
static int spin_in_zlib(long ms, double *spent_ms)
{
	sigjmp_buf back;
	double t0 = thread_cpu_ms();
	volatile uLong crc = 0;
	int jumped = sigsetjmp(back, 1);
	if (!jumped) {
		ct_budget_start(&back, ms, "spin");
		for (;;)
			crc = crc32(crc, block, sizeof block);
	}
	ct_budget_stop();
	*spent_ms = thread_cpu_ms() - t0;
	return jumped;
}

static void burn_own_cpu(double ms)
{
	volatile unsigned long x = 0;
	for (double t0 = thread_cpu_ms(); thread_cpu_ms() - t0 < ms;)
		for (int i = 0; i < 100000; i++)
			x += i;
}

static double thread_spent[2];
static int thread_jumped[2];

static ct_code spin_thread(void *ctx, size_t i)
{
	(void)ctx;
	thread_jumped[i] = spin_in_zlib(100 + 100 * (long)i, &thread_spent[i]);
	return CT_OK;
}

/* A child that spins in its own code under a budget: its exit status and what it wrote. */
static int stopped_child(char *msg, size_t cap)
{
	int fd[2];
	if (pipe(fd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 2);
		sigjmp_buf back;
		if (!sigsetjmp(back, 1)) {
			ct_budget_start(&back, 50, "dicom/x.dcm");
			burn_own_cpu(5000);
		}
		_exit(9); // never here: a jump from outside the listed code is a defect
	}
	close(fd[1]);
	size_t len = 0;
	for (ssize_t n; len < cap - 1 && (n = read(fd[0], msg + len, cap - 1 - len)) > 0;)
		len += (size_t)n;
	msg[len] = '\0';
	close(fd[0]);
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(void)
{
	static const char *const listed[] = {"libz.so", NULL};
	ct_budget_init(listed);

	double spent;
	CHECK(spin_in_zlib(200, &spent) == CT_BUDGET_SPENT, "a thread spinning in zlib comes back when its budget is spent");
	CHECK(spent >= 200, "not before: it had spent %.0f ms of its 200", spent);

	sigjmp_buf back;
	int jumped = sigsetjmp(back, 1);
	if (!jumped) {
		ct_budget_start(&back, 100, "short work");
		burn_own_cpu(10);
		ct_budget_stop();
		burn_own_cpu(250);
	}
	CHECK(jumped == 0, "a budget stopped in time never fires (250 ms of CPU after a 100 ms budget was stopped)");

	CHECK(ct_par_for(2, 2, spin_thread, NULL) == CT_OK && thread_jumped[0] == CT_BUDGET_SPENT &&
	      thread_jumped[1] == CT_BUDGET_SPENT, "two threads at once: each comes back from its own budget");
	CHECK(thread_spent[0] >= 100 && thread_spent[1] >= 200,
	      "each on its own CPU clock: %.0f ms of 100, %.0f ms of 200", thread_spent[0], thread_spent[1]);

	char msg[512];
	int status = stopped_child(msg, sizeof msg);
	CHECK(status == 1, "spinning outside the listed code: the process stops with status 1 (got %d)", status);
	CHECK(strstr(msg, ": dicom/x.dcm: twice its CPU budget spent outside the codecs: stopped\n") != NULL,
	      "naming the work: %s", msg);
	return tap_done();
}
