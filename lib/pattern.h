/* pattern.h: dicomsort's naming language, with paths that cannot leave their root.
 *
 * A pattern is a relative path in which "%Keyword" (a DICOM keyword of GDCM's public
 * dictionary, ended by the first character that is not a letter) stands for that element's
 * value in a file. dicomsort's rules: a missing or empty value becomes "Unknown<Keyword>"; a
 * value is written as pydicom's str() writes it (a multi-valued string element as
 * "['A', 'B']", numbers as "[0.5, 0.5]"); then each of  +`~!@#$%^&*(){}[]/=\|<>,.":'  and
 * space becomes '_'. Beyond dicomsort, control characters become '_' too, characters listed
 * in `keep` are left alone (never '/'), a component made only of dots becomes underscores, a
 * leading dot an underscore (no hidden names), and
 * each component is cut to 255 bytes: whatever the values, the result is a safe relative path
 * (ct_path_is_safe).
 */
#ifndef CT_PATTERN_H
#define CT_PATTERN_H

#include "dicom.h"
#include "err.h"

#include <stddef.h>

/* dicomsort's default pattern. */
#define CT_PATTERN_DEFAULT \
	"%PatientName-%Modality%StudyID-%StudyDescription-%StudyDate/" \
	"%SeriesNumber_%SeriesDescription-%InstanceNumber.dcm"

typedef struct ct_pattern ct_pattern;

/* Parse pattern; CT_EUSAGE when its literal parts alone are not a safe relative path (absolute,
 * "..", empty components) or keep holds '/'. Unknown keywords are allowed (always
 * "Unknown<Keyword>"); ct_pattern_unknown() names them. */
ct_code ct_pattern_parse(const char *pattern, const char *keep, ct_pattern **out);
void ct_pattern_free(ct_pattern *p);
/* The first keyword the dictionary does not know, or NULL. */
const char *ct_pattern_unknown(const ct_pattern *p);

/* The relative path for one file's header (malloc'd; NULL when out of memory). */
char *ct_pattern_expand(const ct_pattern *p, const ct_dicom *d);

/* Split "TARGET/PATTERN" as dicomsort does: the pattern starts at the component holding the
 * first '%'; without one, the whole argument is the target and the default pattern applies.
 * *target and *pattern are malloc'd. */
ct_code ct_pattern_split(const char *arg, char **target, char **pattern);

#endif
