/* step.c: see step.h. */
#include "step.h"
#include "fs.h"
#include "log.h"
#include "scanfiles.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *log_path, *failed_path, *step_name;
static int terminal = -1; /* the original stderr, once the log took its place */

int ct_step_option(int opt, const char *arg)
{
	if (opt == CT_STEP_OPT_LOG)
		log_path = arg;
	else if (opt == CT_STEP_OPT_FAILED)
		failed_path = arg;
	else if (opt == CT_STEP_OPT_STEP)
		step_name = arg;
	else
		return 0;
	return 1;
}

/* How many times this command (under this step) began in the log before: each attempt's lines
 * follow a header "== ct-NAME[ (STEP)], attempt N, TIME", so a retried step keeps the earlier
 * attempt's lines beside the new ones, and a reader tells the two apart. */
static unsigned attempts_before(const char *who)
{
	FILE *f = fopen(log_path, "re");
	if (!f)
		return 0;
	size_t n = strlen(who);
	unsigned count = 0;
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) >= 0)
		count += strncmp(line, who, n) == 0 && strncmp(line + n, ", attempt ", 10) == 0;
	free(line);
	fclose(f);
	return count;
}

static ct_code open_log(void)
{
	ct_code c = ct_mkdir_parent(log_path, 0755);
	int fd = c ? -1 : open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (!c && fd < 0)
		c = ct_fail_errno(CT_EIO, "%s: cannot write the log", log_path);
	if (c)
		return c;
	char who[128], when[32];
	snprintf(who, sizeof who, "== %s%s%s%s", ct_progname, step_name ? " (" : "", step_name ? step_name : "",
	         step_name ? ")" : "");
	time_t now = time(NULL);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	dprintf(fd, "%s, attempt %u, %s\n", who, attempts_before(who) + 1, when);
	fflush(stdout);
	fflush(stderr);
	terminal = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
		c = ct_fail_errno(CT_EIO, "%s: cannot write the log", log_path);
	close(fd);
	return c;
}

void ct_step_begin(void)
{
	ct_code c = failed_path ? ct_atomic_clean(failed_path) : CT_OK;
	if (!c && log_path)
		c = open_log();
	if (c)
		ct_step_exit(c);
}

void ct_step_exit(ct_code code)
{
	char why[1024]; /* what ct_report() prints: the log's last line, and the record's reason */
	snprintf(why, sizeof why, "%s: %s", ct_progname, ct_errmsg()[0] ? ct_errmsg() : "failed");
	ct_report(code);
	ct_code rc = CT_OK;
	if (failed_path && code == CT_OK)
		rc = ct_scan_failure_clear(failed_path);
	else if (failed_path)
		rc = ct_scan_failure_write(failed_path, step_name ? step_name : ct_progname + (strncmp(ct_progname, "ct-", 3) ? 0 : 3), why);
	if (rc)
		ct_warn("the failure record: %s", ct_errmsg());
	if (code != CT_OK && terminal >= 0)
		dprintf(terminal, "%s (log: %s)\n", why, log_path);
	exit(ct_exit_status(code));
}
