/* Fuzz lib/dicom (GDCM behind it) as ct-sort and ct-convert use it on one file: the sniff, the
 * header read, every value ct-convert's record and dicomsort's patterns take (text, numbers,
 * pattern expansion), then the pixel path (ct_dicom_decode) at the size the header gives. The
 * documented bounds: allocations under GDCM at most the file's size (1032x if Deflated) or
 * twice the frame at 4 bytes a pixel, a frame at most CT_DICOM_MAX_PIXELS (lib/dicom.h). */
#include "fuzz.h"
#include "dicom.h"
#include "fs.h"
#include "pattern.h"

#include <stdlib.h>
#include <string.h>

static const char *const keywords[] = {
	"SeriesInstanceUID", "PatientID", "BodyPartExamined", "ContrastBolusAgent", "ImageType",
	"StudyInstanceUID", "ClinicalTrialTimePointID", "PixelSpacing", "SliceThickness", "ConvolutionKernel",
	"ReconstructionDiameter", "Manufacturer", "ImagePositionPatient", "ImageOrientationPatient",
	"RescaleSlope", "RescaleIntercept", "GantryDetectorTilt", "SpecificCharacterSet", "PatientName",
	"SeriesDescription", "InstanceNumber", "SOPInstanceUID", "TransferSyntaxUID", "NumberOfFrames", NULL};

static ct_pattern *patterns[2];

static void setup(void)
{
	ct_dicom_init();
	ct_pattern_parse(CT_PATTERN_DEFAULT, NULL, &patterns[0]);
	ct_pattern_parse("%PatientID/%StudyInstanceUID/%SeriesInstanceUID/%SOPInstanceUID.dcm", ".", &patterns[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!patterns[0])
		setup();
	char *path = fuzz_file("in.dcm", data, size);
	ct_dicom *d;
	ct_dicom_sniff(path);
	if (ct_dicom_open(path, &d) != CT_OK) {
		free(path);
		return 0;
	}
	char text[4096];
	double v[6];
	for (int i = 0; keywords[i]; i++) {
		uint32_t tag = ct_dicom_tag_of(keywords[i]);
		ct_dicom_text(d, tag, text, sizeof text);
		ct_dicom_numbers(d, tag, v, 6);
		ct_dicom_has(d, tag);
	}
	for (int k = 0; k < 2; k++) {
		char *rel = ct_pattern_expand(patterns[k], d);
		if (rel && !ct_path_is_safe(rel))
			abort(); /* no value may lead a file out of the target */
		free(rel);
	}
	ct_dicom_pixel_bytes(d);
	int rows = ct_dicom_int(d, CT_TAG(0x0028, 0x0010), 0), cols = ct_dicom_int(d, CT_TAG(0x0028, 0x0011), 0);
	ct_dicom_close(d);
	if (rows > 0 && cols > 0 && (size_t)rows * cols <= CT_DICOM_MAX_PIXELS) {
		int32_t *out = malloc((size_t)rows * cols * sizeof *out);
		if (out)
			ct_dicom_decode(path, rows, cols, out);
		free(out);
	}
	free(path);
	return 0;
}
