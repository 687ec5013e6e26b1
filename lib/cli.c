/* cli.c: see cli.h. */
#include "cli.h"
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ct_cli_start(int argc, char **argv, const char *name, const char *usage)
{
	ct_progname = name;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			exit(0);
		}
		if (!strcmp(argv[i], "--version")) {
			printf("%s (ctmake) %s\n", name, CT_VERSION);
			exit(0);
		}
	}
}

void ct_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", ct_progname);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry '%s --help'.\n", ct_progname);
	va_end(ap);
	exit(2);
}

long ct_cli_long(const char *opt, const char *value, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < min || v > max)
		ct_usage_error("%s: '%s' is not a whole number from %ld to %ld", opt, value, min, max);
	return v;
}
