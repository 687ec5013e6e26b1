/* Unit tests of lib/pairs: the pairing rule on the cases the RIDER look-alike (test 5015) does
 * not build: a tie, no time at all, three series, old-style times with colons, a time source
 * only one series has. */
#include "pairs.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A CT scan with acquisition (date, time), creation (date, time), series (date, time). */
static ct_pairs_scan ct(const char *scan, const char *patient, const char *uid, const char *ad,
                       const char *at, const char *cd, const char *ctm)
{
	return (ct_pairs_scan){.scan = scan, .patient = patient, .series_uid = uid, .nrrd = uid,
	                      .when = {{ad, at}, {cd, ctm}, {"", ""}}, .left_out = "", .converted = 1};
}

/* The row of patient in what ct_pairs_write wrote, columns from..to (1-based), '|'-joined. */
static char *row(ct_pairs_scan *s, size_t n, const char *patient, int from, int to)
{
	static char out[2048];
	char *buf = NULL, *line, *save;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	ct_pairs_write(f, s, n);
	fclose(f);
	out[0] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, patient, strlen(patient)) || line[strlen(patient)] != '\t')
			continue;
		int col = 1;
		for (char *p = line; ; col++) {
			size_t w = strcspn(p, "\t");
			if (col >= from && col <= to)
				snprintf(out + strlen(out), sizeof out - strlen(out), "%s%.*s", col > from ? "|" : "", (int)w, p);
			if (!p[w])
				break;
			p += w + 1;
		}
	}
	free(buf);
	return out;
}

int main(void)
{
	ct_pairs_scan s[8];
	s[0] = ct("u1", "P", "1.9", "20060102", "10:15:00", "", "");
	s[1] = ct("u2", "P", "1.10", "20060102", "095900", "", "");
	CHECK(!strcmp(row(s, 2, "P", 2, 5), "yes|2|1.10|20060102095900"),
	      "an old-style 10:15:00 loses its colons and sorts after 095900: got %s", row(s, 2, "P", 2, 5));

	s[0] = ct("u1", "T", "1.2", "20060102", "101500", "", "");
	s[1] = ct("u2", "T", "1.1", "20060102", "101500", "", "");
	CHECK(!strcmp(row(s, 2, "T", 4, 4), "1.1") && strstr(row(s, 2, "T", 11, 11), "same time"),
	      "a tie: by SeriesInstanceUID, and the note says so");

	s[0] = ct("u1", "N", "1.2", "", "", "", "");
	s[1] = ct("u2", "N", "1.1", "", "", "", "");
	CHECK(!strcmp(row(s, 2, "N", 2, 10), "yes|2|1.1||1.1|1.2||1.2|none"), "no time: by UID, time_from none: got %s",
	      row(s, 2, "N", 2, 10));

	s[0] = ct("u1", "M", "1.1", "20060102", "101500", "20060102", "120000");
	s[1] = ct("u2", "M", "1.2", "", "", "20060102", "110000");
	CHECK(!strcmp(row(s, 2, "M", 4, 4), "1.2") && strstr(row(s, 2, "M", 10, 10), "InstanceCreation"),
	      "acquisition time on one series only: both ordered by their creation time");

	s[0] = ct("u1", "X", "1.1", "20060102", "103000", "", "");
	s[1] = ct("u2", "X", "1.2", "20060102", "101500", "", "");
	s[2] = ct("u3", "X", "1.3", "20060102", "100000", "", "");
	CHECK(!strcmp(row(s, 3, "X", 2, 4), "no|3|1.3") && strstr(row(s, 3, "X", 11, 11), "also 1.1 at 20060102103000"),
	      "three series: no pair, the first two shown, the third named: got %s", row(s, 3, "X", 11, 11));

	s[0] = ct("u1", "Z", "1.1", "20060102", "103000", "", "");
	s[1] = ct("u2", "Z", "1.2", "20060102", "101500", "", "");
	s[2] = (ct_pairs_scan){.scan = "u3", .patient = "Z", .series_uid = "", .nrrd = "", .left_out = "",
	                      .when = {{"", ""}, {"", ""}, {"", ""}}};
	CHECK(!strcmp(row(s, 3, "Z", 2, 3), "no|2") && strstr(row(s, 3, "Z", 11, 11), "scan u3 not converted"),
	      "two series and one not converted: no pair yet");
	return tap_done();
}
