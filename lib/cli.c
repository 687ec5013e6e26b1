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

/* The long option argv's word names (up to '='), or NULL when the word is no long option. */
static const struct option *long_named(const char *word, const struct option *longs)
{
	if (strncmp(word, "--", 2) != 0)
		return NULL;
	size_t n = strcspn(word + 2, "=");
	for (const struct option *o = longs; o && o->name; o++)
		if (!strncmp(o->name, word + 2, n))
			return o;
	return NULL;
}

/* What getopt_long refused: the word as typed for a long option, "-c" for a short one. */
static _Noreturn void bad_option(char **argv, int missing, const struct option *longs)
{
	const char *word = optind > 0 ? argv[optind - 1] : "";
	const struct option *o = long_named(word, longs);
	int is_long = !strncmp(word, "--", 2) && (optopt == 0 || (o && o->val == optopt));
	if (is_long) {
		int n = (int)strcspn(word, "=");
		if (missing)
			ct_usage_error("option '%.*s' needs a value", n, word);
		if (optopt)
			ct_usage_error("option '%.*s' takes no value", n, word);
		ct_usage_error("unknown option '%.*s'", n, word);
	}
	if (missing)
		ct_usage_error("option '-%c' needs a value", optopt);
	ct_usage_error("unknown option '-%c'", optopt);
}

int ct_getopt(int argc, char **argv, const char *shorts, const struct option *longs)
{
	char spec[64];
	snprintf(spec, sizeof spec, ":%s", shorts); /* ':' first: a missing value returns ':' */
	opterr = 0;                                 /* getopt's own message would be a second one */
	int c = getopt_long(argc, argv, spec, longs, NULL);
	if (c == '?' || c == ':')
		bad_option(argv, c == ':', longs);
	return c;
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
