/* Unit tests of lib/charset: DICOM text values to UTF-8 by SpecificCharacterSet, with the rules
 * pydicom follows (escapes, delimiters, PN groups) and '_' for what cannot be decoded. */
#include "charset.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static int is(const char *terms, const char *vr, const char *value, const char *want)
{
	char *got = ct_charset_to_utf8(terms, vr, value, strlen(value));
	int same = got && !strcmp(got, want);
	if (!same)
		printf("# %s %s: got '%s', want '%s'\n", terms ? terms : "(none)", vr, got ? got : "(null)", want);
	free(got);
	return same;
}

int main(void)
{
	CHECK(is("ISO_IR 100", "LO", "R\xe9-format\xe9", "Ré-formaté"), "ISO_IR 100: Latin-1 to UTF-8");
	CHECK(is(NULL, "LO", "T\xeate", "Tête"), "no SpecificCharacterSet: ISO 8859-1 (as pydicom)");
	CHECK(is("ISO_IR 6", "LO", "T\xeate", "Tête"), "ISO_IR 6 too");
	CHECK(is("ISO_IR 192", "LO", "caf\xc3\xa9", "café"), "ISO_IR 192: UTF-8 as it is");
	CHECK(is("ISO_IR 192", "LO", "a\xff" "b\xc3", "a_b_"), "ISO_IR 192: an invalid and a cut-off byte become '_'");
	CHECK(is("ISO_IR 999", "LO", "caf\xe9!", "caf_!"), "an unknown set: ASCII kept, the rest '_'");
	CHECK(is("ISO_IR 100", "CS", "AXIAL\xe9", "AXIALé"), "a CS (default repertoire) is read as ISO 8859-1 whatever the set");
	CHECK(is("ISO_IR 144", "PN", "\xbb\xee\xda\xe1\xd5\xdc\xd1\xe3\xe0\xd3", "Люксембург"), "ISO_IR 144: Cyrillic");
	CHECK(is("\\ISO 2022 IR 87", "PN", "Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B",
	         "Yamada^Tarou=山田^太郎"), "ISO 2022 IR 87: JIS X 0208 between escapes, groups of a PN");
	CHECK(is("\\ISO 2022 IR 149", "PN", "\x1b$)C\xb1\xe8\xc8\xf1\xc1\xdf", "김희중"), "ISO 2022 IR 149: KS X 1001 after its escape");
	CHECK(is("ISO 2022 IR 100", "LO", "x\x1b$B;3\x1b(B", "x_____"), "an escape (0008,0005) does not declare: its text all '_'");
	CHECK(is("\\ISO 2022 IR 100", "LO", "\x1b-A\xe9\r\xe9", "é\ré"),
	      "a single-byte G1 set ends at a delimiter (after CR the first set: here the default)");
	CHECK(is("ISO_IR 100", "LO", "\xe9\\\xe8", "é\\è"), "each value of a multi-valued element decoded, '\\' kept");
	CHECK(is("ISO_IR 100", "LO", "plain", "plain"), "ASCII unchanged");
	char nul[] = {'a', 0, '\xe9'};
	char *got = ct_charset_to_utf8("ISO_IR 100", "LO", nul, 3);
	CHECK(got && !strcmp(got, "a"), "a NUL inside a value ends the text");
	free(got);
	return tap_done();
}
