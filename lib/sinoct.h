/* sinoct.h: a SinoCT download (Stanford AIMI; fetched by hand) checked against its labels table.
 *
 * The labels table (CSV, ';' or TSV, BOM and CRLF accepted: lib/table) has a column patient_id
 * and a column label, "1,0" normal or "0,1" abnormal (spaces ignored); other columns are
 * ignored. A patient_id must be a plain name (letters, digits, '.', '_', '-'; not starting with
 * '.'): it names a folder and a Make target, so nothing else may reach the makefile written.
 * SRC holds <patient_id>/ folders or <patient_id>.zip files (hidden entries and other files
 * ignored): every labelled study must be there once, every study there labelled.
 *
 * Each kind of problem is collected with its first names and a count, so one run names them
 * all; ct_sinoct_check reports each (ct_warn) and fails when there is any.
 */
#ifndef CT_SINOCT_H
#define CT_SINOCT_H

#include "err.h"

#include <stddef.h>

typedef struct {
	char *id;
	int label, zipped, found;   /* label: 0 normal, 1 abnormal */
} ct_sinoct_study;

enum { CT_SINOCT_BAD_ID, CT_SINOCT_BAD_LABEL, CT_SINOCT_TWICE, CT_SINOCT_UNLABELLED, CT_SINOCT_BOTH,
       CT_SINOCT_MISSING, CT_SINOCT_KINDS };

typedef struct {
	char names[400];            /* the first ten, ", "-joined */
	size_t count;
} ct_sinoct_problem;

typedef struct {
	ct_sinoct_study *s;         /* in the labels table's order */
	size_t n;
	ct_sinoct_problem p[CT_SINOCT_KINDS];
} ct_sinoct;

/* The labelled studies of the table at path (problems collected, not failed on). CT_EDATA when
 * it cannot be read or lacks a column. */
ct_code ct_sinoct_read_labels(ct_sinoct *st, const char *path);
/* SRC's folders and zips matched to the labelled studies (problems collected). */
ct_code ct_sinoct_scan_source(ct_sinoct *st, const char *src);
/* Both of the above, each problem reported; CT_EDATA "N problems" when there is any, or when no
 * study is labelled. */
ct_code ct_sinoct_check(ct_sinoct *st, const char *labels, const char *src);
/* mk: "SINOCT_STUDIES := <ids in byte order>" and "SINOCT_ZIPPED := <those zipped>"; csv:
 * patient_id,label,abnormal in the table's order. Both atomically. */
ct_code ct_sinoct_write(ct_sinoct *st, const char *mk, const char *csv);
void ct_sinoct_free(ct_sinoct *st);

#endif
