/* charset.h: a DICOM text value in its SpecificCharacterSet (0008,0005), as UTF-8, through glibc
 * iconv, as pydicom (and so dicomsort) decodes it.
 *
 * Which VRs: SH, LO, ST, LT, UC, UT and PN take the character set; every other VR is in the
 * default repertoire. Which sets:
 *  - none, "ISO_IR 6", "ISO 2022 IR 6": the default repertoire, decoded as ISO 8859-1, as
 *    pydicom does (files without (0008,0005) often hold Latin-1 text);
 *  - single-byte: ISO_IR 100 (Latin-1), 101, 109, 110, 148, 203 (Latin-2, 3, 4, 5, 9), 144
 *    (Cyrillic), 127 (Arabic), 126 (Greek), 138 (Hebrew), 166 (Thai), 13 (JIS X 0201);
 *  - multi-byte without code extensions: ISO_IR 192 (UTF-8), GB18030, GBK;
 *  - ISO 2022 with code extensions: "ISO 2022 IR n" for each n above and 87 and 159 (Japanese
 *    JIS X 0208/0212), 149 (Korean KS X 1001), 58 (Chinese GB 2312), as several values of
 *    (0008,0005) (the first for text before any escape). Each value of a multi-valued element
 *    (and each '='-group of a PN) starts in the first set; an escape sequence switches the set
 *    for what follows it; a single-byte G1 set ends at a delimiter (CR, LF, TAB, FF; '^' in PN).
 * What cannot be decoded becomes '_', byte for byte: a byte invalid in its set, a byte outside
 * ASCII under a character set we do not know, an escape sequence (0008,0005) does not declare
 * and the text after it up to the next escape.
 * (pydicom writes U+FFFD for an invalid byte and falls back to ISO 8859-1 for an unknown set.)
 */
#ifndef CT_CHARSET_H
#define CT_CHARSET_H

#include <stddef.h>

/* value[0..n) of an element of VR vr ("PN", "LO", ...; "" when unknown), under the raw
 * (0008,0005) value terms (NULL or "" for none), as UTF-8, NUL-terminated, malloc'd (NULL only
 * when out of memory). */
char *ct_charset_to_utf8(const char *terms, const char *vr, const char *value, size_t n);

#endif
