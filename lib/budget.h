/* budget.h: a CPU-time budget for one call into a library we cannot bound otherwise.
 *
 * A hostile input can cost a decoder a thousand times its due: make fuzz found a 16x16 JPEG-LS
 * slice on which CharLS 2.4.1 spends 9 s. No codec takes a deadline, so the bound comes from
 * outside: a timer on the calling thread's own CPU clock (load on the machine does not spend
 * it), armed by ct_budget_start(). When it expires, the thread jumps back to the caller's
 * sigsetjmp() point, but only from a code address inside one of the libraries named at
 * ct_budget_init() (single-threaded codecs and zlib: code that takes no lock, of its own or of
 * libc's or libstdc++'s, and starts no static's initialization, so leaving it by a jump cannot
 * leave either half done;
 * what the call had allocated is lost, as when GDCM aborts). Anywhere else (malloc, a read,
 * GDCM's own code) the timer fires again 10 ms later. A thread that spends its budget a second
 * time without once being in those libraries cannot be stopped safely: the process then writes
 * "<program>: <what>: twice its CPU budget spent outside the codecs: stopped" and exits with
 * status 1, which is still better than hanging a whole run.
 *
 * One budget a thread at a time; threads are independent (each has its own timer, made on its
 * first budget and deleted when the thread exits).
 */
#ifndef CT_BUDGET_H
#define CT_BUDGET_H

#include <setjmp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What sigsetjmp returns when the budget ran out (GDCM's abort jumps with 1). */
#define CT_BUDGET_SPENT 2

/* Note the executable code of every loaded library whose file name contains one of names
 * (NULL-terminated), and install the signal handler. Call once, before any thread starts. */
void ct_budget_init(const char *const *names);
/* Arm a budget of ms milliseconds of this thread's CPU time; on expiry, siglongjmp(*back,
 * CT_BUDGET_SPENT). what (kept by the caller until ct_budget_stop) names the work for the
 * last-resort message. Without a timer (the system refused one) nothing is armed. */
void ct_budget_start(sigjmp_buf *back, long ms, const char *what);
/* Disarm it (a signal already on its way is then ignored). */
void ct_budget_stop(void);
/* The base of every budget, in ms: CT_CPU_BUDGET_MS from the environment when set (tests and
 * the fuzzers make it small), else 2000, read at ct_budget_init(). */
long ct_budget_base_ms(void);

#ifdef __cplusplus
}
#endif

#endif
