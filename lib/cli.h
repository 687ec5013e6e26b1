/* cli.h: the shared start of every command.
 *
 * ct_cli_start() names the program (for every message), answers --help (usage on stdout, exit 0)
 * and --version, and leaves everything else to the command's own loop over ct_getopt().
 * ct_usage_error() reports a usage mistake and exits 2.
 */
#ifndef CT_CLI_H
#define CT_CLI_H

#define CT_VERSION "0.1"

#include <getopt.h>

void ct_cli_start(int argc, char **argv, const char *name, const char *usage);
/* getopt_long() that reports a mistake itself, once: an unknown option, a missing value or a
 * value given to an option that takes none is "ct-<name>: unknown option '--bogus'" (naming the
 * option as typed), then exit 2. Never returns '?' or ':'. */
int ct_getopt(int argc, char **argv, const char *shorts, const struct option *longs);
_Noreturn void ct_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse a positive integer option value or exit 2 naming the option. */
long ct_cli_long(const char *opt, const char *value, long min, long max);

#endif
