/* log.h: what commands say on stderr.
 *
 * Every line starts with the command's name ("ct-fetch: ..."), set once by ct_cli_start().
 * ct_progress() redraws one live line when stderr is a terminal and is silent otherwise, so
 * logs of batch runs (make -j, Slurm) hold only the summary lines.
 */
#ifndef CT_LOG_H
#define CT_LOG_H

#include "err.h"

extern const char *ct_progname;

void ct_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ct_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "ct-<name>: <last error message>" for code (nothing for CT_OK). */
void ct_report(ct_code code);
/* ct_report(code) then exit(ct_exit_status(code)). */
_Noreturn void ct_exit(ct_code code);

/* One live status line on a terminal; ct_progress_end() finishes it. Thread-safe. */
void ct_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ct_progress_end(void);
int ct_stderr_is_tty(void);
/* Seconds on a monotonic clock: for pacing progress lines, rates and retry delays. */
double ct_now(void);

#endif
