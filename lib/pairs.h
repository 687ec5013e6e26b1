/* pairs.h: a test/retest set's scans paired per patient by time (RIDER Lung CT: each patient
 * scanned twice within minutes; which is the test and which the retest is no DICOM tag).
 *
 * The rule. A patient's CT series (converted, not left out) are ordered by when they were
 * made: the first of these (date, time) pairs that every one of them has, both non-empty:
 *   AcquisitionDate/AcquisitionTime, then InstanceCreationDate/InstanceCreationTime, then
 *   SeriesDate/SeriesTime
 * compared as DICOM DT text (date then time, ':' of old-style times removed); equal times, or
 * none, fall back on the SeriesInstanceUID, and the row says so. The first is the test, the
 * second the retest. A patient has a pair exactly when it has two CT series and no scan that
 * is not converted; any other patient still has its row, saying what it has.
 *
 * pairs.tsv, one row per patient, by PatientID:
 *   PatientID pair (yes/no) ct_series (how many) test_SeriesInstanceUID test_datetime test_nrrd
 *   retest_SeriesInstanceUID retest_datetime retest_nrrd time_from (which pair of tags, or
 *   none) note (what else: a single series, more than two, left out, not converted, ties)
 */
#ifndef CT_PAIRS_H
#define CT_PAIRS_H

#include "err.h"

#include <stddef.h>
#include <stdio.h>

typedef enum {
	CT_PAIRS_WHEN_ACQUISITION, CT_PAIRS_WHEN_CREATION, CT_PAIRS_WHEN_SERIES, CT_PAIRS_WHEN_N
} ct_pairs_when;

/* One scan of the set; every text "" when unknown. The caller owns the strings. */
typedef struct {
	const char *scan;          /* the series UUID (the plan's) */
	const char *patient;       /* PatientID */
	const char *series_uid;    /* SeriesInstanceUID */
	const char *nrrd;          /* its NRRD, as pairs.tsv is to name it */
	const char *when[CT_PAIRS_WHEN_N][2]; /* {date, time} for each source, in the rule's order */
	const char *left_out;      /* why it was left out (not a CT image series), or "" */
	int converted;             /* 0: failed or not done yet */
} ct_pairs_scan;

/* The header and one row per patient (scans are reordered). CT_ENOMEM only. */
ct_code ct_pairs_write(FILE *f, ct_pairs_scan *scans, size_t n);

#endif
