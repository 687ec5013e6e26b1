/* headers.h: the files at the top of DICOM folders, listed once and each one's header read
 * once: what both choosers of a series read (lib/slices: the series ct-convert converts;
 * lib/series: a study's series described and ranked).
 *
 * ct_headers_read() lists the regular files at the top of each folder (symlinks followed; as
 * plastimatch, no subfolders), by name within a folder, folders in the order given, and reads
 * every file's header on several threads (lib/dicom: the header only, never the pixels). Each
 * file is one of:
 *  - not DICOM (lib/dicom's sniff: not a DICOM file, or a DICOMDIR): dicom 0, unreadable NULL;
 *  - DICOM by its first bytes, but the file or its header cannot be read: dicom 0, unreadable
 *    says where it broke (lib/dicom's message, naming the file);
 *  - read: dicom 1 and the values below. Absent text is ""; absent numbers take DICOM's
 *    defaults (BitsAllocated 16, BitsStored = BitsAllocated, one sample, one frame, slope 1,
 *    intercept 0, tilt 0), and has_* says whether position, orientation, spacing, thickness
 *    were there.
 * What to do with each kind (skip, fail, count) is the caller's. A folder that cannot be read
 * fails the call (CT_EDATA, naming it).
 */
#ifndef CT_HEADERS_H
#define CT_HEADERS_H

#include "err.h"

#include <stddef.h>

#define CT_UID_LEN 68
#define CT_HEADER_TEXT 128

/* What lib/volume needs of an image slice's header. */
typedef struct {
	char *path;
	char ts[CT_UID_LEN];                 /* TransferSyntaxUID */
	int native;                          /* ...uncompressed (little or big endian) */
	int rows, cols, bits, bits_stored, pixel_rep, samples;
	long long pixel_offset;              /* ct_dicom_pixel_offset(): -1 when unknown */
	double ipp[3], iop[6], ps[2], slope, intercept, thickness, gantry_tilt;
} ct_slice;

/* What one file's header says. */
typedef struct {
	ct_slice s;             /* path (owned), and the pixel and geometry values */
	int dicom;
	char *unreadable;       /* why a file DICOM by its first bytes was not read; NULL otherwise */
	int image;              /* Rows and Columns above 0 */
	int localizer;          /* LOCALIZER is one of ImageType's values */
	int frames;             /* NumberOfFrames */
	long long pixel_bytes;  /* ct_dicom_pixel_bytes(): 0 no PixelData, -1 unknown */
	int has_ipp, has_iop, has_ps, has_thickness;
	char sop_class[CT_UID_LEN], series_uid[CT_UID_LEN], number[16], modality[20],
	     description[CT_HEADER_TEXT], kernel[CT_HEADER_TEXT], contrast[CT_HEADER_TEXT],
	     thickness_text[32], image_type[256];
	/* SOPClassUID (else the File Meta's MediaStorageSOPClassUID), SeriesInstanceUID,
	 * SeriesNumber, Modality, SeriesDescription, ConvolutionKernel, ContrastBolusAgent,
	 * SliceThickness as written, ImageType ('\'-joined), each truncated to its buffer; number,
	 * description, kernel, contrast and thickness_text are read only with describe
	 * (lib/series describes series by them; lib/slices does not need them) */
} ct_header;

typedef struct {
	ct_header *h;           /* every regular file of the folders, in the order above */
	size_t n;
	int describe;           /* the text that describes a series read too */
} ct_headers;

/* The files of dirs[0..ndirs) and their headers (threads 0: one per online CPU; describe: the
 * descriptive text too, see ct_header). */
ct_code ct_headers_read(const char *const *dirs, size_t ndirs, int threads, int describe, ct_headers *out);
void ct_headers_free(ct_headers *hs);

#endif
