/* Unit tests of lib/scanfiles: a scan's stage from its files (one way, for ct-status and
 * ct-index), and the failure record (its line, its atomic write, its removal). */
#include "fs.h"
#include "scanfiles.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *U = "5871c643-1545-17f4-79da-684fc5ec1b72";

static void put(const char *root, ct_scan_file which, const char *text)
{
	char *p = ct_scan_path(root, U, which), *dir = strdup(p);
	*strrchr(dir, '/') = 0;
	ct_mkdir_p(dir, 0755);
	ct_write_file_atomic(p, text, strlen(text));
	free(dir);
	free(p);
}

static void rm(const char *root, ct_scan_file which)
{
	char *p = ct_scan_path(root, U, which);
	unlink(p);
	free(p);
}

static ct_scan_stage stage(const char *root, unsigned long long *bytes)
{
	ct_scan_state st;
	if (ct_scan_state_read(root, U, &st))
		return (ct_scan_stage)-1;
	*bytes = st.bytes;
	ct_scan_state_free(&st);
	return st.stage;
}

int main(void)
{
	char root[] = "/tmp/ct-scanfiles.XXXXXX";
	if (!mkdtemp(root))
		return 1;
	unsigned long long b = 1;
	CHECK(stage(root, &b) == CT_SCAN_LEFT && b == 0, "no file: left, 0 bytes");
	put(root, CT_SCAN_VERIFIED, "# ct-fetch s3://b/u/\na.dcm\t1000\tx\tetag\nb.dcm\t24\ty\tetag\n");
	CHECK(stage(root, &b) == CT_SCAN_FETCHED && b == 1024, "a verified download: fetched, its 1024 bytes");

	char *failed = ct_scan_path(root, U, CT_SCAN_FAILURE);
	CHECK(ct_scan_failure_write(failed, "convert", "ct-convert: x.dcm:\tbad\nslice") == CT_OK, "a failure record is written");
	char *text = NULL;
	ct_read_file(failed, &text, NULL);
	char want[200];
	snprintf(want, sizeof want, "%s\tconvert\tct-convert: x.dcm: bad slice\n", U);
	CHECK(text && !strcmp(text, want), "one line: scan (from the file's name), step, reason with tabs and line breaks as spaces");
	free(text);
	ct_scan_state st;
	CHECK(ct_scan_state_read(root, U, &st) == CT_OK && st.stage == CT_SCAN_FAILED && !strcmp(st.step, "convert") &&
	      !strcmp(st.reason, "ct-convert: x.dcm: bad slice") && st.bytes == 1024,
	      "with it: failed, at its step, for its reason, the download's bytes still counted");
	ct_scan_state_free(&st);

	put(root, CT_SCAN_RECORD, "SeriesInstanceUID\nx\n");
	CHECK(stage(root, &b) == CT_SCAN_DONE && b == 1024, "a record makes the scan done, whatever an older failure record says");
	rm(root, CT_SCAN_RECORD);

	char tmp[300];
	snprintf(tmp, sizeof tmp, "%s.tmp.AbC123", failed); /* what a killed writer leaves */
	ct_write_file_atomic(tmp, "x", 1);
	CHECK(ct_scan_failure_clear(failed) == CT_OK && access(failed, F_OK) && access(tmp, F_OK),
	      "clearing removes the record and a killed writer's temporary of it");
	CHECK(ct_scan_failure_clear(failed) == CT_OK, "clearing an absent record is fine");
	CHECK(stage(root, &b) == CT_SCAN_FETCHED, "and the scan is fetched again");
	rm(root, CT_SCAN_VERIFIED);
	free(failed);

	char *p = ct_scan_path(root, U, CT_SCAN_SERIES_DIR);
	snprintf(want, sizeof want, "%s/dicom/%s/.scandir", root, U);
	CHECK(!strcmp(p, want), "the layout: dicom/<uuid>/.scandir");
	free(p);
	unsigned long removed = 9;
	CHECK(ct_scan_drop_dicom(root, U, &removed) == CT_EDATA && removed == 0, "dropping a scan that is not done: refused");
	int rc = tap_done();
	char cmd[100];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	return system(cmd) ? 1 : rc;
}
