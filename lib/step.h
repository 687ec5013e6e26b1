/* step.h: the edge of a pipeline step (ct-fetch, ct-sort, ct-convert, as mk/idc.mk runs them;
 * ct-unpack and ct-series too, as the downstream sets of DICOM studies run them).
 *
 * The options every step takes, so that a make recipe is the command alone and fails honestly:
 *   --log FILE     everything the command says is appended to FILE (its directory made), after
 *                  a line "== ct-NAME[ (STEP)], attempt N, <UTC time>" (N counts that header's
 *                  earlier lines in FILE, plus one): one log holds all the steps of a scan and
 *                  every attempt of each, and its last line names the cause of a failure; the
 *                  failure is also said once on the original stderr, naming FILE.
 *   --failed FILE  on failure FILE holds the scan's failure record (lib/scanfiles.h: scan, step,
 *                  reason; the scan is FILE's name without ".tsv", the step the command's name
 *                  without "ct-", or --step's, the reason its error line); on success FILE
 *                  is removed.
 *   --step NAME    the step the failure record names, when one step of a pipeline runs several
 *                  commands (a downstream set's sort step: ct-unpack, then ct-sort).
 * Usage: CT_STEP_LONGOPTS in the getopt_long table, ct_step_option() in its default case,
 * ct_step_begin() once the options are read (usage errors still reach the terminal), and
 * ct_step_exit() instead of ct_exit().
 */
#ifndef CT_STEP_H
#define CT_STEP_H

#include "err.h"

enum { CT_STEP_OPT_LOG = 0x5000, CT_STEP_OPT_FAILED, CT_STEP_OPT_STEP };
#define CT_STEP_LONGOPTS \
	{"log", required_argument, 0, CT_STEP_OPT_LOG}, \
	{"failed", required_argument, 0, CT_STEP_OPT_FAILED}, \
	{"step", required_argument, 0, CT_STEP_OPT_STEP}
#define CT_STEP_USAGE \
	"  --log FILE          append everything this command says to FILE, after a line naming it\n" \
	"                      and the attempt (\"== ct-NAME, attempt N, TIME\")\n" \
	"                      (a failure is also said on stderr, naming FILE)\n" \
	"  --failed FILE       on failure write FILE: scan (FILE's name without .tsv), step, reason\n" \
	"                      (one tab-separated line, atomically); on success remove FILE\n" \
	"  --step NAME         the step --failed names (default: this command's name without ct-)\n"

/* 1 when opt is --log, --failed or --step (taken), 0 otherwise. */
int ct_step_option(int opt, const char *arg);
/* Open the log; a failure to do so ends the command through ct_step_exit(). */
void ct_step_begin(void);
/* Write or remove the failure record, say the error once (to the log and, with --log, on the
 * original stderr), exit 0, 1 or 2. */
_Noreturn void ct_step_exit(ct_code code);

#endif
