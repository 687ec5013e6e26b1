/* err.h: the one error type of ctmake.
 *
 * Every library function that can fail returns a ct_code. The first place that knows what went
 * wrong records a message with ct_fail() ("<what>: <why>", e.g. "dicom/x.dcm: (0020,0032)
 * ImagePositionPatient: missing") and returns the code; callers pass the code up unchanged.
 * At the edge, a command turns it into one line on stderr, "ct-<name>: <message>", and an exit
 * status: 0 done, 1 the data or the network failed, 2 usage.
 *
 * The message lives in thread-local storage, so worker threads may fail independently.
 */
#ifndef CT_ERR_H
#define CT_ERR_H

typedef enum {
	CT_OK = 0,
	CT_EUSAGE,  /* the caller asked for something malformed: exit 2 */
	CT_EIO,     /* the local file system refused */
	CT_ENET,    /* the network or a server failed */
	CT_EDATA,   /* the input is not what it must be (bad DICOM, wrong digest, bad line) */
	CT_ENOMEM
} ct_code;

/* Record a message (printf format) and return code. */
ct_code ct_fail(ct_code code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same, with ": strerror(errno)" appended; errno is read before anything else. */
ct_code ct_fail_errno(ct_code code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The last message recorded on this thread ("" if none). */
const char *ct_errmsg(void);
/* Exit status for a code: 0, 1 or 2. */
int ct_exit_status(ct_code code);

#endif
