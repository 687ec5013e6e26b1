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
"       ct-status --done UUID --total N [--before M] [--run NAME] DIR\n"
"\n"
"The first form prints how far each dataset under DATA is: for the pre-training set, scans\n"
"done / failed / left of the current plan, bytes fetched, the rate over the last ten minutes\n"
"and an ETA; for each downstream set, whether its datalist.json is written. It reads only\n"
"files, so it works at any time, also while runs (one or many machines) are going.\n"
"\n"
"The second form is what the Makefile runs when scan UUID is finished: it adds the scan to\n"
"DIR/progress.log and prints one line  [done/total] UUID size rate ETA  (done counts M scans\n"
"finished before this run plus those of this run). Runs are told apart by $CT_RUN; --run NAME\n"
"(the selection, e.g. a shard) keeps the counters of concurrent runs (shards sharing DIR)\n"
"apart. Progress is advisory: when DIR/.progress-NAME cannot be locked or written (a file\n"
"system without flock) it warns and exits 0, so a finished scan never fails for it.\n"
"\n"
"Exit status: 0, 1 when DATA cannot be read, 2 usage.\n";

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
		rc.start = now();
		rc.done = 0;
		rc.bytes = 0;
	}
	unsigned long long b = ct_scan_dicom_bytes(dir, uuid);
	rc.done++;
	rc.bytes += b;
	int len = snprintf(buf, sizeof buf, "%s %.3f %lu %llu\n", rc.run, rc.start, rc.done, rc.bytes);
	if (ftruncate(fd, 0) || pwrite(fd, buf, (size_t)len, 0) != len) {
		ct_code c = ct_fail_errno(CT_EIO, "%s: cannot write", path);
		close(fd);
		return c;
	}
	snprintf(path, sizeof path, "%.4000s/progress.log", dir);
	FILE *log = fopen(path, "a");
	if (log) {
		fprintf(log, "%.3f\t%s\t%llu\n", now(), uuid, b);
		fclose(log);
	}
	close(fd); /* releases the lock */
	double el = now() - rc.start;
	long done = before + (long)rc.done;
	char size[32], rate[32], eta[32];
	human_bytes(size, sizeof size, (double)b);
	human_bytes(rate, sizeof rate, el > 0 ? rc.bytes / el : 0);
	human_time(eta, sizeof eta, el > 0 ? (total - done) * el / rc.done : -1);
	printf("[%ld/%ld] %s %s %s/s ETA %s\n", done, total, uuid, size, rate, eta);
	return CT_OK;
}

static int exists(const char *dir, const char *a, const char *uuid, const char *b)
{
	char *path = ct_pathf("%s%s%s%s", dir, a, uuid, b);
	int yes = path && access(path, F_OK) == 0;
	free(path);
	return yes;
}

/* Bytes of the scans done and the rate over the last WINDOW seconds, from progress.log. */
static void log_rates(const char *dir, double *rate_bytes, double *rate_scans)
{
	char *path = ct_pathf("%s/progress.log", dir), *buf;
	*rate_bytes = *rate_scans = 0;
	ct_code c = path ? ct_read_file(path, &buf, NULL) : CT_ENOMEM;
	free(path);
	if (c)
		return;
	double t0 = now() - WINDOW, first = 0;
	unsigned long long bytes = 0;
	unsigned long scans = 0;
	char *save = NULL;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		double t = strtod(l, NULL);
		char *tab = strrchr(l, '\t');
		if (t < t0 || !tab)
			continue;
		if (!scans)
			first = t;
		scans++;
		bytes += strtoull(tab + 1, NULL, 10);
	}
	free(buf);
	/* A burst of scans within a second still has a rate: count at least one second. */
	double span = now() - first < 1 ? 1 : now() - first;
	if (scans) {
		*rate_bytes = bytes / span;
		*rate_scans = scans / span;
	}
}

static void report_pretrain(const char *data)
{
	char *dir = ct_pathf("%s/pretrain", data), *path = ct_pathf("%s/.selection", dir), *sel;
	ct_tsv plan = {0};
	if (ct_read_file(path, &sel, NULL)) {
		printf("pretrain-data   not started (no plan under %s)\n", dir);
		goto out;
	}
	sel[strcspn(sel, " \n")] = 0;
	free(path);
	path = ct_pathf("%s/plans/%s.tsv", dir, sel);
	if (ct_tsv_read(path, &plan)) {
		printf("pretrain-data   planning (%s)\n", sel);
		free(sel);
		goto out;
	}
	size_t done = 0, failed = 0;
	unsigned long long bytes = 0;
	for (size_t r = 0; r < plan.nrows; r++) {
		const char *uuid = ct_tsv_get(&plan, r, 0);
		if (exists(dir, "/records/", uuid, ".tsv")) {
			done++;
			bytes += ct_scan_dicom_bytes(dir, uuid);
		} else if (exists(dir, "/failed/", uuid, ".tsv")) {
			failed++;
		}
	}
	size_t left = plan.nrows - done - failed;
	double rb, rs;
	log_rates(dir, &rb, &rs);
	char b[32], rate[32], eta[32];
	human_bytes(b, sizeof b, (double)bytes);
	human_bytes(rate, sizeof rate, rb);
	human_time(eta, sizeof eta, rs > 0 ? left / rs : -1);
	printf("pretrain-data   %zu done, %zu failed, %zu left of %zu (%s); %s fetched; %s/s over the last %d min; ETA %s\n",
	       done, failed, left, plan.nrows, sel, b, rate, WINDOW / 60, rs > 0 ? eta : "-");
	free(sel);
out:
	ct_tsv_free(&plan);
	free(path);
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
		char *path = ct_pathf("%s/%s/datalist.json", dir, e->d_name);
		printf("downstream-%-10s %s\n", e->d_name, path && !access(path, F_OK) ? "done" : "in progress");
		free(path);
	}
	closedir(d);
	free(dir);
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-status", usage);
	static const struct option longopts[] = {
		{"done", required_argument, 0, 'd'}, {"total", required_argument, 0, 't'},
		{"before", required_argument, 0, 'b'}, {"run", required_argument, 0, 'r'}, {0, 0, 0, 0}};
	const char *uuid = NULL, *run = "all";
	long total = -1, before = 0;
	int o;
	while ((o = ct_getopt(argc, argv, "", longopts)) != -1) {
		switch (o) {
		case 'd': uuid = optarg; break;
		case 't': total = ct_cli_long("--total", optarg, 0, 1L << 40); break;
		case 'b': before = ct_cli_long("--before", optarg, 0, 1L << 40); break;
		case 'r': run = optarg; break;
		}
	}
	if (optind != argc - 1)
		ct_usage_error("one DATA (or DIR) expected");
	if (uuid) {
		if (total < 0)
			ct_usage_error("--done needs --total");
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
