/* err.c: see err.h. */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last[1024];

static void record(const char *fmt, va_list ap)
{
	vsnprintf(last, sizeof last, fmt, ap);
}

ct_code ct_fail(ct_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(fmt, ap);
	va_end(ap);
	return code;
}

ct_code ct_fail_errno(ct_code code, const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	record(fmt, ap);
	va_end(ap);
	size_t n = strlen(last);
	snprintf(last + n, sizeof last - n, ": %s", strerror(e));
	return code;
}

const char *ct_errmsg(void)
{
	return last;
}

int ct_exit_status(ct_code code)
{
	switch (code) {
	case CT_OK: return 0;
	case CT_EUSAGE: return 2;
	default: return 1;
	}
}
