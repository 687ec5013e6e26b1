/* log.c: see log.h. */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

const char *ct_progname = "ctmake";
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int live; /* a progress line is on screen */

static void say(const char *tag, const char *fmt, va_list ap)
{
	pthread_mutex_lock(&lock);
	if (live) {
		fputs("\r\033[K", stderr);
		live = 0;
	}
	fprintf(stderr, "%s: %s", ct_progname, tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&lock);
}

void ct_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say("warning: ", fmt, ap);
	va_end(ap);
}

void ct_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
}

void ct_report(ct_code code)
{
	if (code != CT_OK)
		ct_info("%s", ct_errmsg()[0] ? ct_errmsg() : "failed");
}

void ct_exit(ct_code code)
{
	ct_report(code);
	exit(ct_exit_status(code));
}

int ct_stderr_is_tty(void)
{
	static int tty = -1;
	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	return tty;
}

double ct_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void ct_progress(const char *fmt, ...)
{
	if (!ct_stderr_is_tty())
		return;
	va_list ap;
	va_start(ap, fmt);
	pthread_mutex_lock(&lock);
	fprintf(stderr, "\r\033[K%s: ", ct_progname);
	vfprintf(stderr, fmt, ap);
	live = 1;
	pthread_mutex_unlock(&lock);
	va_end(ap);
}

void ct_progress_end(void)
{
	pthread_mutex_lock(&lock);
	if (live)
		fputc('\n', stderr);
	live = 0;
	pthread_mutex_unlock(&lock);
}
