/* dicom.h: one DICOM file through GDCM, behind a C ABI (the implementation is lib/dicom.cc).
 *
 * ct_dicom_open() reads a file's header only: the File Meta group and every data element up to
 * the pixel data (GDCM's ReadUpToTag, which, unlike ReadSelectedTags, survives Deflated files).
 * Values are then asked for by tag, as text or as numbers. ct_dicom_decode() reads and decodes a
 * whole file's pixel data in any transfer syntax GDCM knows (uncompressed little/big endian,
 * implicit/explicit, deflated, RLE, JPEG lossless, JPEG-LS, JPEG 2000) into stored values.
 *
 * Every function is safe to call from several threads at once on different files, once
 * ct_dicom_init() has run (it loads GDCM's dictionaries).
 * Messages name the file and, where one is at fault, the tag: "x.dcm: (0028,0010) Rows: missing".
 *
 * Memory is bounded by the file, not by what it claims. GDCM sizes a value's buffer from the
 * length an element declares; while it reads a file, every allocation is held to the file's
 * size (1032 times it for a Deflated file: the most it can inflate to) and, while a frame is
 * decoded, to twice that frame at 4 bytes a pixel, with a frame at most CT_DICOM_MAX_PIXELS. A
 * file asking for more fails (CT_EDATA: "x.dcm: the data element after (0008,1030)
 * StudyDescription claims 4026531840 bytes, more than the file holds (1752 bytes)") instead.
 *
 * GDCM asserts (calls abort()) on some malformed files; the process survives it (the file fails
 * as unreadable), with no descriptor lost, but what GDCM had allocated for that file, 10-40 KB,
 * is not reclaimed. So a File Meta group GDCM would assert on (an element cut short, a sequence
 * or an undefined length in it, no data set after it) is refused before GDCM reads it
 * ("x.dcm: a File Meta element is cut short (at byte 272): not read"), and so is a Deflated data
 * set that is not one whole deflate stream (GDCM's header read spins for ever on one cut short).
 *
 * CPU time is bounded too (lib/budget.h): each read or decode gets 2 s of its thread's CPU time
 * (CT_CPU_BUDGET_MS), plus 1 ms a kB of file and a thousand pixels of frame, some ten times what
 * honest data needs; a file that takes longer fails ("x.dcm: (7FE0,0010) PixelData: took more
 * than its CPU budget (2.3 s; a hostile or corrupt file)") like any unreadable one.
 */
#ifndef CT_DICOM_H
#define CT_DICOM_H

#include "err.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CT_TAG(g, e) ((uint32_t)(g) << 16 | (uint32_t)(e))

typedef struct ct_dicom ct_dicom;

/* Load GDCM's dictionaries once, before any threads. */
void ct_dicom_init(void);

typedef enum { CT_DICOM_FILE, CT_DICOM_NOT, CT_DICOM_DICOMDIR, CT_DICOM_UNREADABLE } ct_dicom_kind;

/* What the first bytes of path say: a DICOM file (a "DICM" preamble, or a bare data set
 * starting with group 0002 or 0008), a DICOMDIR (by its MediaStorageSOPClassUID), not DICOM,
 * or unreadable. GDCM is not asked: it aborts the process on some malformed files. */
ct_dicom_kind ct_dicom_sniff(const char *path);

/* The header of path (stopping before pixel data). Fails for what ct_dicom_sniff() does not
 * call a DICOM file. CT_EDATA when it is not DICOM or is cut off
 * before the pixel data. */
ct_code ct_dicom_open(const char *path, ct_dicom **out);
void ct_dicom_close(ct_dicom *d);

/* The value of tag as text: values of a multi-valued element joined by '\', binary VRs (US,
 * SS, FL, ...) written as decimal numbers, trailing spaces and NULs removed, truncated to
 * cap - 1 bytes. Returns the length, or -1 when the element is absent (0 when present but
 * empty). File Meta tags (group 0002) work too. */
int ct_dicom_text(const ct_dicom *d, uint32_t tag, char *buf, size_t cap);

/* Up to n numbers from a numeric element (DS, IS, US, ...). Returns how many were read (0 when
 * present but empty or not numeric), -1 when absent. Only finite numbers count: reading stops
 * at "inf", "nan" or a value beyond a double's range. */
int ct_dicom_numbers(const ct_dicom *d, uint32_t tag, double *v, int n);

/* The element's first number, truncated to an int; fallback when it is absent, not a number or
 * beyond an int's range (casting such a double is undefined). */
int ct_dicom_int(const ct_dicom *d, uint32_t tag, int fallback);

/* True when the element is present (even empty). */
int ct_dicom_has(const ct_dicom *d, uint32_t tag);

/* Bytes from the start of the PixelData value to the end of the file (the value itself when
 * PixelData is the last element): 0 when the file has no PixelData, -1 when unknown (Deflated
 * files). Lets a caller see a truncated file from its header, which GDCM would otherwise read
 * with a warning and a zero-filled tail. */
long long ct_dicom_pixel_bytes(const ct_dicom *d);

/* The file offset where PixelData's value starts (where the header read stopped); -1 when the
 * file has no PixelData or the offset is unknown (Deflated files). */
long long ct_dicom_pixel_offset(const ct_dicom *d);

/* Stored values from n raw little-endian samples of bits_alloc bits (8, 16 or 32), masked or
 * sign-extended to bits_stored (the bits above may hold overlays). */
void ct_dicom_stored_values(const void *raw, size_t n, int bits_alloc, int bits_stored,
                            int is_signed, int32_t *out);

/* A DICOM keyword ("PatientName") to its tag through GDCM's public dictionary; 0 if unknown. */
uint32_t ct_dicom_tag_of(const char *keyword);
/* "Rows" for CT_TAG(0x0028,0x0010); "" when the dictionary has no keyword. */
const char *ct_dicom_keyword_of(uint32_t tag);

/* The tag's value representation in the public dictionary ("DS", "PN", "US or SS"); "" when the
 * dictionary does not know the tag. */
const char *ct_dicom_vr_of(uint32_t tag);

/* The most pixels a slice may have (4096 x 4096): a frame is decoded into memory whole, and a
 * compressed one of a few bytes can claim 65535 x 65535. */
#define CT_DICOM_MAX_PIXELS ((size_t)1 << 24)

/* Decode the single frame of path into rows*cols stored values: unsigned or two's-complement
 * per PixelRepresentation, masked or sign-extended to BitsStored (bits above are overlays or
 * junk). Fails (naming file and tag) when PixelData is missing, the file is truncated, the frame
 * is not rows x cols, not one sample per pixel, or more than one frame, or rows x cols is more
 * than CT_DICOM_MAX_PIXELS.
 */
ct_code ct_dicom_decode(const char *path, int rows, int cols, int32_t *out);

#ifdef __cplusplus
}
#endif

#endif
