/* meta.h: what ct-convert's --meta record says of a converted scan (the columns of lib/record
 * that ct-convert fills, by name).
 *
 * CT-FM's header columns are the values of the first slice along the normal (the volume's
 * order[0]): SeriesInstanceUID (0020,000E), PatientID (0010,0020), BodyPartExamined
 * (0018,0015), ContrastBolusAgent (0018,0010), ImageType (0008,0008), StudyInstanceUID
 * (0020,000D), ClinicalTrialTimePointID (0012,0050), PixelSpacing (0028,0030), SliceThickness
 * (0018,0050), ConvolutionKernel (0018,1210), ReconstructionDiameter (0018,1100), Manufacturer
 * (0008,0070); at most 255 bytes, multi-values joined by '/'. num_instances counts the series'
 * DICOM instances, localizers included. Ours: path (as given: the caller makes it absolute),
 * rows, columns, slices (the grid's planes), spacing, origin and direction (unit vectors) from
 * the NRRD's geometry ('/'-joined, at most 6 decimals, no trailing zeros), hu_min, hu_max, the
 * distinct transfer syntaxes ('/'-joined, in the volume's order), irregular_spacing, tilt_deg
 * (3 decimals), and CT-FM's quality filters as its query states them (1: the series passes):
 * every SliceThickness in [1, 5] mm (at least one given), more than 50 instances, no two slices
 * at one position, no localizer. Modality, AcquisitionDate (0008,0022), AcquisitionTime
 * (0008,0032), InstanceCreationDate (0008,0012), InstanceCreationTime (0008,0013), SeriesDate
 * (0008,0021), SeriesTime (0008,0031): as the first slice has them (for lib/pairs). left_out: why
 * a folder was left out (ct-convert --leave-out-non-ct), empty otherwise. skipped_files: the names of the files ct-convert
 * --skip-bad-files skipped (lib/slices), '/'-joined; empty when none was.
 */
#ifndef CT_META_H
#define CT_META_H

#include "err.h"
#include "record.h"
#include "slices.h"
#include "volume.h"

/* Fill r from the series s, the volume v made of it, and the NRRD's path. */
ct_code ct_meta_of_scan(ct_record *r, const ct_slices *s, const ct_volume *v, const char *nrrd_path);
/* A folder left out (s->left_out, lib/slices.h): the header columns of its first object of
 * another Modality, and left_out; no path, no volume's columns. */
ct_code ct_meta_of_left_out(ct_record *r, const ct_slices *s);

#endif
