/* tests/fuzz/replay.c: a harness without libFuzzer: runs LLVMFuzzerTestOneInput() once over each
 * file named (the regression inputs of tests/fuzz/regress/NAME/), for `make check` on the normal
 * build (and under SAN=1 with ASan and UBSan). Prints one line per input; exits 0 when every
 * input ran to its end (a crash is the failure). */
#include "fuzz.h"
#include "fs.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char *buf;
		size_t len;
		if (ct_read_file(argv[i], &buf, &len) != CT_OK) {
			fprintf(stderr, "replay: cannot read %s\n", argv[i]);
			return 1;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
		free(buf);
		printf("replayed %s\n", argv[i]);
	}
	return 0;
}
