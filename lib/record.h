/* record.h: one scan's metadata row, and the one owner of its columns: their names and their
 * order, CT-FM's first (as CT-FM's own table had them), then ours.
 *
 * ct-convert fills a record (lib/meta) and writes it (--meta: a header line and one row, the
 * columns it knows). ct-index reads each scan's record by column name, fills what only the
 * pipeline knows (collection_id and idc_url from the plan, scan, dicom_bytes from the fetch
 * record) and writes index.tsv: every column, in this order. Both go through lib/tsv (tabs, CR
 * and LF in values become spaces). Columns a record file lacks are empty; others are ignored.
 *
 * The columns, in order:
 *   CT-FM's: SeriesInstanceUID collection_id PatientID BodyPartExamined ContrastBolusAgent
 *     ImageType num_instances StudyInstanceUID ClinicalTrialTimePointID PixelSpacing
 *     SliceThickness ConvolutionKernel ReconstructionDiameter Manufacturer idc_url
 *   ours: scan path (the NRRD, absolute) dicom_bytes rows columns slices spacing origin
 *     direction hu_min hu_max transfer_syntax irregular_spacing tilt_deg thickness_1_5mm
 *     more_than_50_slices unique_positions no_localizer skipped_files Modality AcquisitionDate
 *     AcquisitionTime InstanceCreationDate InstanceCreationTime SeriesDate SeriesTime left_out
 * (what each holds: lib/meta.h).
 */
#ifndef CT_RECORD_H
#define CT_RECORD_H

#include "err.h"

#include <stddef.h>
#include <stdio.h>

typedef enum {
	CT_REC_SERIES_UID, CT_REC_COLLECTION, CT_REC_PATIENT_ID, CT_REC_BODY_PART, CT_REC_CONTRAST,
	CT_REC_IMAGE_TYPE, CT_REC_NUM_INSTANCES, CT_REC_STUDY_UID, CT_REC_TIME_POINT,
	CT_REC_PIXEL_SPACING, CT_REC_SLICE_THICKNESS, CT_REC_KERNEL, CT_REC_RECON_DIAMETER,
	CT_REC_MANUFACTURER, CT_REC_IDC_URL,
	CT_REC_SCAN, CT_REC_PATH, CT_REC_DICOM_BYTES, CT_REC_ROWS, CT_REC_COLS, CT_REC_SLICES,
	CT_REC_SPACING, CT_REC_ORIGIN, CT_REC_DIRECTION, CT_REC_HU_MIN, CT_REC_HU_MAX,
	CT_REC_TRANSFER_SYNTAX, CT_REC_IRREGULAR, CT_REC_TILT, CT_REC_THICKNESS_1_5,
	CT_REC_MORE_THAN_50, CT_REC_UNIQUE_POSITIONS, CT_REC_NO_LOCALIZER, CT_REC_SKIPPED_FILES,
	CT_REC_MODALITY, CT_REC_ACQ_DATE, CT_REC_ACQ_TIME, CT_REC_CREATION_DATE, CT_REC_CREATION_TIME,
	CT_REC_SERIES_DATE, CT_REC_SERIES_TIME, CT_REC_LEFT_OUT,
	CT_REC_NCOLS
} ct_rec_col;

/* The cells, as text. Start from {0}; free with ct_record_free(). */
typedef struct {
	size_t at[CT_REC_NCOLS]; /* where each cell's text starts in buf; 0: empty */
	char *buf;
	size_t len, cap;
	int out_of_memory;       /* a set failed: writing the record fails */
} ct_record;

/* The cell's text ("" when empty). */
const char *ct_record_get(const ct_record *r, ct_rec_col col);
/* Out of memory, the record remembers it, and ct_record_write/_put_row fail with CT_ENOMEM. */
void ct_record_set(ct_record *r, ct_rec_col col, const char *text);
void ct_record_free(ct_record *r);

/* The --meta file: header and row of the columns ct-convert fills, atomically. */
ct_code ct_record_write(const char *path, const ct_record *r);
/* A record file, by column name; CT_EDATA when it has no row. */
ct_code ct_record_read(const char *path, ct_record *r);

/* index.tsv: the header line, and one row: every column. */
void ct_record_put_header(FILE *f);
ct_code ct_record_put_row(FILE *f, const ct_record *r);

#endif
