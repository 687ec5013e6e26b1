/* record.c: see record.h. */
#include "record.h"
#include "fs.h"
#include "tsv.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	int pipeline;  /* filled by ct-index (the plan, the fetch record), not by ct-convert */
} columns[CT_REC_NCOLS] = {
	[CT_REC_SERIES_UID] = {"SeriesInstanceUID", 0},
	[CT_REC_COLLECTION] = {"collection_id", 1},
	[CT_REC_PATIENT_ID] = {"PatientID", 0},
	[CT_REC_BODY_PART] = {"BodyPartExamined", 0},
	[CT_REC_CONTRAST] = {"ContrastBolusAgent", 0},
	[CT_REC_IMAGE_TYPE] = {"ImageType", 0},
	[CT_REC_NUM_INSTANCES] = {"num_instances", 0},
	[CT_REC_STUDY_UID] = {"StudyInstanceUID", 0},
	[CT_REC_TIME_POINT] = {"ClinicalTrialTimePointID", 0},
	[CT_REC_PIXEL_SPACING] = {"PixelSpacing", 0},
	[CT_REC_SLICE_THICKNESS] = {"SliceThickness", 0},
	[CT_REC_KERNEL] = {"ConvolutionKernel", 0},
	[CT_REC_RECON_DIAMETER] = {"ReconstructionDiameter", 0},
	[CT_REC_MANUFACTURER] = {"Manufacturer", 0},
	[CT_REC_IDC_URL] = {"idc_url", 1},
	[CT_REC_SCAN] = {"scan", 1},
	[CT_REC_PATH] = {"path", 0},
	[CT_REC_DICOM_BYTES] = {"dicom_bytes", 1},
	[CT_REC_ROWS] = {"rows", 0},
	[CT_REC_COLS] = {"columns", 0},
	[CT_REC_SLICES] = {"slices", 0},
	[CT_REC_SPACING] = {"spacing", 0},
	[CT_REC_ORIGIN] = {"origin", 0},
	[CT_REC_DIRECTION] = {"direction", 0},
	[CT_REC_HU_MIN] = {"hu_min", 0},
	[CT_REC_HU_MAX] = {"hu_max", 0},
	[CT_REC_TRANSFER_SYNTAX] = {"transfer_syntax", 0},
	[CT_REC_IRREGULAR] = {"irregular_spacing", 0},
	[CT_REC_TILT] = {"tilt_deg", 0},
	[CT_REC_THICKNESS_1_5] = {"thickness_1_5mm", 0},
	[CT_REC_MORE_THAN_50] = {"more_than_50_slices", 0},
	[CT_REC_UNIQUE_POSITIONS] = {"unique_positions", 0},
	[CT_REC_NO_LOCALIZER] = {"no_localizer", 0},
	[CT_REC_SKIPPED_FILES] = {"skipped_files", 0},
	[CT_REC_MODALITY] = {"Modality", 0},
	[CT_REC_ACQ_DATE] = {"AcquisitionDate", 0},
	[CT_REC_ACQ_TIME] = {"AcquisitionTime", 0},
	[CT_REC_CREATION_DATE] = {"InstanceCreationDate", 0},
	[CT_REC_CREATION_TIME] = {"InstanceCreationTime", 0},
	[CT_REC_SERIES_DATE] = {"SeriesDate", 0},
	[CT_REC_SERIES_TIME] = {"SeriesTime", 0},
	[CT_REC_LEFT_OUT] = {"left_out", 0},
};

const char *ct_record_get(const ct_record *r, ct_rec_col col)
{
	return r->buf ? r->buf + r->at[col] : "";
}

/* Cells are appended to one buffer (offset 0 holds the empty string): a record costs a few
 * allocations, not one a cell (ct-index reads 148,394 of them). */
void ct_record_set(ct_record *r, ct_rec_col col, const char *text)
{
	size_t n = strlen(text) + 1;
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 1024;
		while (r->len + n + 1 > cap)
			cap *= 2;
		char *b = realloc(r->buf, cap);
		if (!b) {
			r->out_of_memory = 1;
			return;
		}
		if (!r->buf)
			b[r->len++] = 0;
		r->buf = b;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, text, n);
	r->at[col] = r->len;
	r->len += n;
}

void ct_record_free(ct_record *r)
{
	free(r->buf);
	memset(r, 0, sizeof *r);
}

/* ---- writing and reading ------------------------------------------------------------------- */

/* The header line and the row of the columns ct-convert fills (all: every column). */
static void put(FILE *f, const ct_record *r, int all)
{
	const char *names[CT_REC_NCOLS], *cells[CT_REC_NCOLS];
	size_t n = 0;
	for (int k = 0; k < CT_REC_NCOLS; k++) {
		if (!all && columns[k].pipeline)
			continue;
		names[n] = columns[k].name;
		cells[n++] = r ? ct_record_get(r, (ct_rec_col)k) : NULL;
	}
	ct_tsv_put_row(f, r ? cells : names, n);
}

ct_code ct_record_write(const char *path, const ct_record *r)
{
	if (r->out_of_memory)
		return ct_fail(CT_ENOMEM, "%s: out of memory", path);
	ct_atomic a;
	ct_code c = ct_atomic_open(&a, path);
	if (c)
		return c;
	FILE *f = ct_atomic_stream(&a);
	put(f, NULL, 0);
	put(f, r, 0);
	if (ferror(f)) {
		ct_atomic_abort(&a);
		return ct_fail(CT_EIO, "%s: write failed", path);
	}
	return ct_atomic_commit(&a);
}

void ct_record_put_header(FILE *f)
{
	put(f, NULL, 1);
}

ct_code ct_record_put_row(FILE *f, const ct_record *r)
{
	if (r->out_of_memory)
		return ct_fail(CT_ENOMEM, "out of memory");
	put(f, r, 1);
	return CT_OK;
}

/* The column named name, looked for from hint on (a file's columns usually come in our order);
 * -1 when there is none. */
static int column_named(const char *name, int hint)
{
	for (int i = 0; i < CT_REC_NCOLS; i++) {
		int k = (hint + i) % CT_REC_NCOLS;
		if (!strcmp(columns[k].name, name))
			return k;
	}
	return -1;
}

ct_code ct_record_read(const char *path, ct_record *r)
{
	memset(r, 0, sizeof *r);
	ct_tsv t;
	ct_code c = ct_tsv_read(path, &t);
	if (c)
		return c;
	if (t.nrows == 0)
		c = ct_fail(CT_EDATA, "%s: a header line and no row", path);
	for (size_t i = 0, hint = 0; !c && i < t.ncols; i++) {
		int k = column_named(t.header[i], (int)hint);
		if (k < 0)
			continue;
		ct_record_set(r, (ct_rec_col)k, ct_tsv_get(&t, 0, (int)i));
		hint = (size_t)k + 1;
	}
	ct_tsv_free(&t);
	if (!c && r->out_of_memory)
		c = ct_fail(CT_ENOMEM, "%s: out of memory", path);
	if (c)
		ct_record_free(r);
	return c;
}
