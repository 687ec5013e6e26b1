/* Fuzz lib/pin (the checksums/ files, and a pin recorded on first use by ct-fetch
 * --record-sha256): the input is a pin file, looked up for a few names in each digest kind and
 * checked as ct-pin --check does. A digest looked up must be one of its kind, in lower case.
 * Then a pin is recorded under a name taken from the input and must be looked up again as it
 * was written, whenever the name is one md5sum's layout can hold. */
#include "fuzz.h"
#include "pin.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {"manifest.txt", "Totalsegmentator_dataset_v2.zip", "", "x y", "*"};

/* A name "HEX  NAME\n" gives back: no line break, tab or NUL, no edge space, not empty, not
 * starting with '*' (md5sum's binary mark). */
static int plain(const char *s, size_t n)
{
	if (!n || s[0] == ' ' || s[0] == '*' || s[n - 1] == ' ')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t' || s[i] == 0)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *file = fuzz_file("pins", data, size), hex[CT_HEX_MAX];
	for (int kind = CT_MD5; kind <= CT_GITBLOB; kind++) {
		for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
			int found;
			if (ct_pin_lookup(file, (ct_digest_kind)kind, names[i], hex, &found) == CT_OK) {
				if (!found || !ct_digest_hex_valid((ct_digest_kind)kind, hex))
					abort();
				for (const char *p = hex; *p; p++)
					if (isupper((unsigned char)*p))
						abort();
			}
		}
		ct_pin_check(file, (ct_digest_kind)kind, names, 2);
	}
	/* A name from the input's first line (at most 200 bytes), recorded and looked up. */
	size_t n = 0;
	while (n < size && n < 200 && data[n] != '\n')
		n++;
	char name[201];
	memcpy(name, data, n);
	name[n] = 0;
	const char *sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	if (plain(name, n) && ct_pin_record(file, sha, name) == CT_OK) {
		if (ct_pin_lookup(file, CT_SHA256, name, hex, NULL) != CT_OK || strcmp(hex, sha))
			abort(); /* a recorded pin that cannot be found again */
	}
	free(file);
	return 0;
}
