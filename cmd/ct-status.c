/* ct-status: how far each dataset under DATA is; and the per-scan progress line of a run. */
#include "cli.h"
#include "fs.h"
#include "log.h"
#include "scanfiles.h"
#include "tsv.h"

#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
"usage: ct-status DATA\n"
"       ct-status --not-done PLAN.tsv DIR\n"
"       ct-status --done UUID --total N [--before M] [--run NAME] [--drop-dicom] DIR\n"
"\n"
"The first form prints how far each dataset under DATA is: for the pre-training set, the scans\n"
"of the current plan done / failed / left, and how many of those left are fetched but not\n"
"converted yet; the bytes fetched (every verified download); the rate over the last ten\n"
"minutes and an ETA; the same for each downstream set fetched from the IDC through mk/idc.mk\n"
"(one with a .selection: RIDER), and for each other downstream set whether its datalist.json\n"
"is written. It reads only files, so it works at any time, also while runs (one or many\n"
"machines) are going.\n"
"A scan is done when its record exists, failed when its last step failed (failed/<uuid>.tsv),\n"
"fetched when its download is verified (lib/scanfiles.h); ct-index counts the same way.\n"
"\n"
"The second form prints how many scans of PLAN.tsv (ct-plan --tsv) under DIR are not done\n"
"(failed or left): 0 when the plan is finished.\n"
"\n"
"The third form is what the Makefile runs when scan UUID is finished. With --drop-dicom it\n"
"first removes the scan's DICOM: exactly the downloads its .verified lists and the files its\n"
".sort-list.tsv says ct-sort placed, and only when its record and NRRD exist (otherwise\n"
"nothing is removed and it warns). Then it adds the scan to DIR/progress.log and prints one\n"
"line  [done/total] UUID size rate ETA  (done counts M scans finished before this run plus\n"
"those of this run; the rate is the bytes this run fetched over the time since it started).\n"
"Runs are told apart by $CT_RUN, \"<start>-<name>\" with the run's start in nanoseconds since\n"
"the epoch (mk/idc.mk sets it); --run NAME (the selection, e.g. a shard) keeps the counters\n"
"of concurrent runs (shards sharing DIR) apart. This form is advisory: when DIR/.progress-NAME\n"
"cannot be locked or written (a file system without flock), or the DICOM cannot be removed,\n"
"it warns and exits 0, so a finished scan never fails for it.\n"
"\n"
"Exit status: 0, 1 when DATA or PLAN.tsv cannot be read, 2 usage.\n";

#define WINDOW 600 /* seconds of progress.log that make the current rate */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void human_bytes(char *out, size_t cap, double b)
{
	const char *unit[] = {"B", "kB", "MB", "GB", "TB", "PB"};
	int u = 0;
	while (b >= 1000 && u < 5) {
		b /= 1000;
		u++;
	}
	snprintf(out, cap, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

static void human_time(char *out, size_t cap, double s)
{
	if (s < 0 || s > 1e9)
		snprintf(out, cap, "?");
	else if (s >= 3600)
		snprintf(out, cap, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
	else
		snprintf(out, cap, "%dm%02ds", (int)(s / 60), (int)s % 60);
}

/* The run's counters, kept in DIR/.progress under a lock: "<run> <start> <done> <bytes>". */
typedef struct {
	char run[64];
	double start;
	unsigned long done;
	unsigned long long bytes;
} run_counters;

/* The run's start, from $CT_RUN ("<start ns>-<name>"); now when it names no start. */
static double run_start(const char *run)
{
	char *end;
	double ns = strtod(run, &end);
	return end != run && ns > 0 ? ns / 1e9 : now();
}

/* A finished scan's bytes, and those of them this run fetched (its download was verified after
 * the run started: a scan fetched by an earlier run adds nothing to this run's rate). */
static void scan_bytes(const char *dir, const char *uuid, double start, unsigned long long *size,
                       unsigned long long *fetched)
{
	ct_scan_state st;
	*size = *fetched = 0;
	if (ct_scan_state_read(dir, uuid, &st))
		return;
	*size = st.bytes;
	ct_scan_state_free(&st);
	char *path = ct_scan_path(dir, uuid, CT_SCAN_VERIFIED);
	struct stat sb;
	if (path && !stat(path, &sb) && sb.st_mtim.tv_sec + sb.st_mtim.tv_nsec / 1e9 >= start)
		*fetched = *size;
	free(path);
}

static ct_code tick(const char *dir, const char *name, const char *uuid, long total, long before)
{
	char path[4096];
	snprintf(path, sizeof path, "%.3000s/.progress-%.900s", dir, name);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		ct_code c = ct_fail_errno(CT_EIO, "%s: cannot lock", path);
		if (fd >= 0)
			close(fd);
		return c;
	}
	const char *run = getenv("CT_RUN") ? getenv("CT_RUN") : "unnamed";
	run_counters rc = {0};
	char buf[256] = "";
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0 || sscanf(buf, "%63s %lf %lu %llu", rc.run, &rc.start, &rc.done, &rc.bytes) != 4 ||
	    strcmp(rc.run, run)) {
		snprintf(rc.run, sizeof rc.run, "%s", run);
		rc.start = run_start(run);
		rc.done = 0;
		rc.bytes = 0;
	}
	unsigned long long size, fetched;
	scan_bytes(dir, uuid, rc.start, &size, &fetched);
	rc.done++;
	rc.bytes += fetched;
	int len = snprintf(buf, sizeof buf, "%s %.3f %lu %llu\n", rc.run, rc.start, rc.done, rc.bytes);
	if (ftruncate(fd, 0) || pwrite(fd, buf, (size_t)len, 0) != len) {
		ct_code c = ct_fail_errno(CT_EIO, "%s: cannot write", path);
		close(fd);
		return c;
	}
	snprintf(path, sizeof path, "%.4000s/progress.log", dir);
	FILE *log = fopen(path, "a");
	if (log) {
		fprintf(log, "%.3f\t%s\t%llu\t%.3f\n", now(), uuid, fetched, rc.start);
		fclose(log);
	}
	close(fd); /* releases the lock */
	/* Since the run started: at least its first scan's fetch, never a window of a few ms. */
	double el = now() - rc.start < 1 ? 1 : now() - rc.start;
	long done = before + (long)rc.done;
	char sz[32], rate[32], eta[32];
	human_bytes(sz, sizeof sz, (double)size);
	human_bytes(rate, sizeof rate, rc.bytes / el);
	human_time(eta, sizeof eta, (total - done) * el / rc.done);
	printf("[%ld/%ld] %s %s %s/s ETA %s\n", done, total, uuid, sz, rate, eta);
	return CT_OK;
}

/* The rate over the last WINDOW seconds, from progress.log ("<time> <uuid> <bytes fetched>
 * <run start>" a line): bytes and scans over the time since the window began, or since the
 * earliest run in it started when that is later (never over a burst of a few ms). */
static void log_rates(const char *dir, double *rate_bytes, double *rate_scans)
{
	char *path = ct_pathf("%s/progress.log", dir), *buf;
	*rate_bytes = *rate_scans = 0;
	ct_code c = path ? ct_read_file(path, &buf, NULL) : CT_ENOMEM;
	free(path);
	if (c)
		return;
	double t0 = now() - WINDOW, from = now();
	unsigned long long bytes = 0;
	unsigned long scans = 0;
	char *save = NULL;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		double t, start;
		unsigned long long b;
		int got = sscanf(l, "%lf %*s %llu %lf", &t, &b, &start);
		if (got < 2 || t < t0)
			continue;
		if (got < 3) /* a line of an older ctmake: no run start */
			start = t;
		if (start < from)
			from = start;
		scans++;
		bytes += b;
	}
	free(buf);
	if (from < t0)
		from = t0;
	double span = now() - from < 1 ? 1 : now() - from;
	if (scans) {
		*rate_bytes = bytes / span;
		*rate_scans = scans / span;
	}
}

/* A plan's scans counted by stage (lib/scanfiles.h), with the bytes of every verified download. */
typedef struct {
	size_t n[CT_SCAN_DONE + 1], total;
	unsigned long long bytes;
} stage_counts;

static ct_code count_plan(const char *dir, const char *plan_path, stage_counts *k)
{
	ct_tsv plan;
	memset(k, 0, sizeof *k);
	ct_code c = ct_tsv_read(plan_path, &plan);
	for (size_t r = 0; !c && r < plan.nrows; r++) {
		ct_scan_state st;
		c = ct_scan_state_read(dir, ct_tsv_get(&plan, r, 0), &st);
		if (c)
			break;
		k->n[st.stage]++;
		k->bytes += st.bytes;
		ct_scan_state_free(&st);
	}
	if (!c)
		k->total = plan.nrows;
	ct_tsv_free(&plan); /* zeroed by a failed read */
	return c;
}

/* A set of mk/idc.mk's per-scan graph under dir (DATA/pretrain, an IDC-sourced downstream set):
 * its current plan (dir/.selection) counted. 0 when dir has no .selection. */
static int report_plan(const char *label, const char *dir)
{
	char *path = ct_pathf("%s/.selection", dir), *sel;
	if (ct_read_file(path, &sel, NULL)) {
		free(path);
		return 0;
	}
	sel[strcspn(sel, " \n")] = 0;
	free(path);
	path = ct_pathf("%s/plans/%s.tsv", dir, sel);
	stage_counts k;
	if (count_plan(dir, path, &k)) {
		printf("%-15s planning (%s)\n", label, sel);
		goto out;
	}
	size_t left = k.n[CT_SCAN_LEFT] + k.n[CT_SCAN_FETCHED];
	double rb, rs;
	log_rates(dir, &rb, &rs);
	char b[32], rate[32], eta[32];
	human_bytes(b, sizeof b, (double)k.bytes);
	human_bytes(rate, sizeof rate, rb);
	human_time(eta, sizeof eta, rs > 0 ? left / rs : -1);
	printf("%-15s %zu done, %zu failed, %zu left of %zu (%s; %zu fetched, not converted); %s fetched; "
	       "%s/s over the last %d min; ETA %s\n", label, k.n[CT_SCAN_DONE], k.n[CT_SCAN_FAILED], left,
	       k.total, sel, k.n[CT_SCAN_FETCHED], b, rate, WINDOW / 60, rs > 0 ? eta : "-");
out:
	free(sel);
	free(path);
	return 1;
}

static void report_pretrain(const char *data)
{
	char *dir = ct_pathf("%s/pretrain", data);
	if (!report_plan("pretrain-data", dir))
		printf("pretrain-data   not started (no plan under %s)\n", dir);
	free(dir);
}

static void report_downstream(const char *data)
{
	char *dir = ct_pathf("%s/downstream", data);
	DIR *d = dir ? opendir(dir) : NULL;
	if (!d) {
		free(dir);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char label[300], *set = ct_pathf("%s/%s", dir, e->d_name),
		     *datalist = ct_pathf("%s/%s/datalist.json", dir, e->d_name);
		snprintf(label, sizeof label, "downstream-%s", e->d_name);
		/* An IDC-sourced set counts its scans; the others are done once their datalist is there. */
		if (set && datalist && !report_plan(label, set))
			printf("%-21s %s\n", label, !access(datalist, F_OK) ? "done" : "in progress");
		free(set);
		free(datalist);
	}
	closedir(d);
	free(dir);
}

/* --not-done: how many of the plan's scans are not done. */
static ct_code not_done(const char *dir, const char *plan)
{
	stage_counts k;
	ct_code c = count_plan(dir, plan, &k);
	if (!c)
		printf("%zu\n", k.total - k.n[CT_SCAN_DONE]);
	return c;
}

/* --done --drop-dicom: the scan's DICOM goes, exactly what its records name (advisory). */
static void finished(const char *dir, const char *uuid, int drop)
{
	unsigned long removed;
	if (drop && ct_scan_drop_dicom(dir, uuid, &removed))
		ct_warn("KEEP_DICOM=drop: %s", ct_errmsg());
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-status", usage);
	static const struct option longopts[] = {
		{"done", required_argument, 0, 'd'}, {"total", required_argument, 0, 't'},
		{"before", required_argument, 0, 'b'}, {"run", required_argument, 0, 'r'},
		{"drop-dicom", no_argument, 0, 'D'}, {"not-done", required_argument, 0, 'n'}, {0, 0, 0, 0}};
	const char *uuid = NULL, *run = "all", *plan = NULL;
	long total = -1, before = 0;
	int o, drop = 0;
	while ((o = ct_getopt(argc, argv, "", longopts)) != -1) {
		switch (o) {
		case 'd': uuid = optarg; break;
		case 't': total = ct_cli_long("--total", optarg, 0, 1L << 40); break;
		case 'b': before = ct_cli_long("--before", optarg, 0, 1L << 40); break;
		case 'r': run = optarg; break;
		case 'D': drop = 1; break;
		case 'n': plan = optarg; break;
		}
	}
	if (optind != argc - 1)
		ct_usage_error("one DATA (or DIR) expected");
	if (uuid && plan)
		ct_usage_error("--done and --not-done are two forms: give one");
	if (drop && !uuid)
		ct_usage_error("--drop-dicom goes with --done");
	if (plan)
		ct_exit(not_done(argv[optind], plan));
	if (uuid) {
		if (total < 0)
			ct_usage_error("--done needs --total");
		finished(argv[optind], uuid, drop);
		if (tick(argv[optind], run, uuid, total, before))
			ct_warn("no progress line: %s", ct_errmsg());
		ct_exit(CT_OK);
	}
	struct stat st;
	if (stat(argv[optind], &st) || !S_ISDIR(st.st_mode))
		ct_exit(ct_fail(CT_EIO, "%s: no such directory (nothing started yet?)", argv[optind]));
	report_pretrain(argv[optind]);
	report_downstream(argv[optind]);
	ct_exit(CT_OK);
}
