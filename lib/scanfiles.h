/* scanfiles.h: one scan's files under a dataset root, and what they say about the scan.
 *
 * The root is DATA/pretrain, or any IDC-sourced set's folder (mk/idc.mk builds the same names).
 * Per scan, named by its series UUID:
 *   ROOT/dicom/<uuid>/                  the download (ct-fetch): NAME.dcm files, and
 *   ROOT/dicom/<uuid>/.verified         ct-fetch's record: a "#" line, then NAME TAB SIZE TAB MD5
 *                                       TAB HOW, one line per object (present once all verified)
 *   ROOT/dicom/<uuid>/.ct-fetch-journal ct-fetch's journal (its own)
 *   ROOT/dicom/<uuid>/.sort-list.tsv    ct-sort --list: SOURCE TAB TARGET TAB ACTION per file
 *   ROOT/dicom/<uuid>/.scandir          ct-sort --series-dir: the one directory the series was
 *                                       sorted into (a line); scan.nrrd is written there
 *   ROOT/records/<uuid>.tsv             ct-convert --meta: the scan's metadata row; the scan is
 *                                       done when it exists (written with the NRRD, last)
 *   ROOT/failed/<uuid>.tsv              the failure record of its last failed step: one line,
 *                                       scan TAB step TAB reason (lib/step.h writes it)
 *   ROOT/logs/<uuid>.log                what its steps said, every attempt of each after a line
 *                                       naming the command and the attempt (lib/step.h)
 */
#ifndef CT_SCANFILES_H
#define CT_SCANFILES_H

#include "err.h"

typedef enum {
	CT_SCAN_DIR,        /* dicom/<uuid> */
	CT_SCAN_VERIFIED,   /* dicom/<uuid>/.verified */
	CT_SCAN_SORT_LIST,  /* dicom/<uuid>/.sort-list.tsv */
	CT_SCAN_SERIES_DIR, /* dicom/<uuid>/.scandir */
	CT_SCAN_RECORD,     /* records/<uuid>.tsv */
	CT_SCAN_FAILURE     /* failed/<uuid>.tsv */
} ct_scan_file;

/* The path of one of a scan's files, malloc'd (NULL when out of memory). */
char *ct_scan_path(const char *root, const char *uuid, ct_scan_file which);

/* Where a scan is. Each scan is in exactly one stage: done (its record exists), failed (its
 * last attempted step failed and it has no record), fetched (its download is verified, it is
 * neither done nor failed: converting, or interrupted), left (none of these). */
typedef enum { CT_SCAN_LEFT, CT_SCAN_FETCHED, CT_SCAN_FAILED, CT_SCAN_DONE } ct_scan_stage;

typedef struct {
	ct_scan_stage stage;
	unsigned long long bytes; /* what .verified lists (0 when the download is not verified) */
	int verified;             /* .verified is there (also for done and failed scans) */
	char *failure;            /* failed: the record's line, "scan TAB step TAB reason" */
	char step[32];            /* failed: its step (fetch, sort, convert) */
	const char *reason;       /* failed: the reason, inside failure */
} ct_scan_state;

/* Reads only files; a file that is absent is a stage not reached. CT_ENOMEM only. */
ct_code ct_scan_state_read(const char *root, const char *uuid, ct_scan_state *st);
void ct_scan_state_free(ct_scan_state *st);

/* The failure record at path (ROOT/failed/<uuid>.tsv), written atomically: its scan is path's
 * file name without ".tsv"; tabs and line breaks in reason become spaces. */
ct_code ct_scan_failure_write(const char *path, const char *step, const char *reason);
/* Remove it (and temporaries a killed writer of it left); absent is fine. */
ct_code ct_scan_failure_clear(const char *path);

/* KEEP_DICOM=drop, once a scan is done: remove its DICOM, exactly the files its records name:
 * the downloads .verified lists (in dicom/<uuid>/) and the files .sort-list.tsv says ct-sort
 * placed (each inside the directory .scandir names). Nothing is removed (CT_EDATA) unless the
 * scan's record and <series dir>/scan.nrrd exist and all three records read whole. The records
 * themselves stay, so a re-run neither fetches nor converts the scan again. *removed counts the
 * files removed (absent ones are not an error: a second drop removes nothing). */
ct_code ct_scan_drop_dicom(const char *root, const char *uuid, unsigned long *removed);

#endif
