/* slices.h: the CT series in a folder of DICOM files, chosen and checked from headers only.
 *
 * ct_slices_read() reads the headers of the files at the top of DIR (lib/headers: symlinks
 * followed; as plastimatch, no subfolders) and takes the series with most image slices (ties:
 * the smaller SeriesInstanceUID) unless opts names one. What it sets aside is counted: files
 * that are not DICOM (lib/dicom's sniff) and DICOMDIRs, non-image objects (no Rows/Columns),
 * objects of another Modality than CT (a SEG's frames are no slices), localizers (LOCALIZER in
 * ImageType) and the other series (each named on stderr). A folder whose DICOM objects are
 * none of them CT images, each with another Modality (a SEG, an RTSTRUCT), is an error, or,
 * with opts->leave_out_non_ct, left out: left_out says why, left_out_path names the first
 * such object, and there are no slices (n 0).
 *
 * Bad files fail the whole folder (CT_EDATA, naming the first by name and where it broke):
 * a file that is DICOM (by the sniff) but whose header cannot be read; one without usable
 * Rows/Columns that has PixelData or whose SOP Class is CT Image Storage (a broken image, never
 * a non-image object: a header cut off before Rows still parses); a slice of the chosen series
 * whose PixelData is missing or, uncompressed, cut short (as far as the header shows). Each
 * may be a slice of the series, and a volume without it would be silently wrong. With
 * opts->skip_bad_files they are skipped instead, each named on stderr and in skipped[] (so is
 * a slice that lib/volume could not decode, through ct_slices_skip()).
 *
 * Every slice of the chosen series must have ImagePositionPatient, ImageOrientationPatient and
 * PixelSpacing, one frame, and the same Rows/Columns, orientation and pixel spacing as the first
 * slice (by file name); an error names the file and the tag. Pixels are not read here
 * (lib/volume decodes them).
 */
#ifndef CT_SLICES_H
#define CT_SLICES_H

#include "err.h"
#include "headers.h"

#include <stddef.h>

typedef struct {
	const char *series_uid; /* NULL: the series with most image slices */
	int skip_bad_files;     /* skip unreadable DICOM files instead of failing (see above) */
	int threads;            /* 0: one per online CPU */
	int leave_out_non_ct;   /* a folder of only non-CT objects is left out, not an error */
} ct_slices_opts;

typedef struct {
	char *dir;              /* the folder read (for messages) */
	char uid[CT_UID_LEN];
	ct_slice *slice;        /* the series' image slices (localizers not), by file name */
	size_t n;
	size_t instances;       /* DICOM instances of the series, localizers and non-images included */
	size_t localizers;      /* ...of which localizers */
	size_t with_thickness;  /* ...of which have SliceThickness, */
	double thickness_min, thickness_max; /* ...ranging over these */
	size_t other_series, non_image, non_dicom, not_ct; /* set aside in DIR */
	char left_out[256];     /* why the folder is left out (leave_out_non_ct), or "" */
	char *left_out_path;    /* ...the first object of another Modality */
	char **skipped;         /* names (in DIR) of the bad files skipped with skip_bad_files */
	size_t nskipped;
} ct_slices;

ct_code ct_slices_read(const char *dir, const ct_slices_opts *opts, ct_slices *s);
/* Drop slice (one of s->slice, which lib/volume could not decode) and add it to skipped[],
 * naming it on stderr with why. */
ct_code ct_slices_skip(ct_slices *s, const ct_slice *slice, const char *why);
void ct_slices_free(ct_slices *s);

#endif
