/* Fuzz lib/sinoct (SinoCT's labels table, downloaded by hand) as ct-sinoct reads it: the input
 * is the table, checked against a download of two studies (ST0000/ and ST0003.zip, as
 * tests/fixtures/sinoct.py names them, beside a hidden folder and a stray file), then OUT.mk and LABELS.csv written. What reaches the makefile must
 * be plain names, as Make reads them: one assignment a line, words of [A-Za-z0-9._-]. */
#include "fuzz.h"
#include "fs.h"
#include "sinoct.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void check_mk(const char *path)
{
	char *text;
	size_t len;
	if (ct_read_file(path, &text, &len) != CT_OK)
		abort();
	static const char *const heads[] = {"SINOCT_STUDIES :=", "SINOCT_ZIPPED :="};
	const char *p = text;
	for (int k = 0; k < 2; k++) {
		if (strncmp(p, heads[k], strlen(heads[k])))
			abort();
		p += strlen(heads[k]);
		for (; *p != '\n'; p++)
			if (!*p || !strchr(" abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
				abort(); /* a byte Make would read as more than a name */
		p++;
	}
	if ((size_t)(p - text) != len)
		abort();
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *src, *mk, *csv;
	if (!src) {
		src = ct_path_join(fuzz_dir(), "src");
		free(fuzz_file("src/ST0000/ACC007000/2/IM000001", (const uint8_t *)"x", 1));
		free(fuzz_file("src/ST0003.zip", (const uint8_t *)"PK", 2));
		free(fuzz_file("src/.hidden/x", (const uint8_t *)"x", 1));
		free(fuzz_file("src/notes.txt", (const uint8_t *)"x", 1));
		mk = ct_path_join(fuzz_dir(), "studies.mk");
		csv = ct_path_join(fuzz_dir(), "labels.csv");
	}
	char *labels = fuzz_file("table.csv", data, size);
	ct_sinoct st = {0};
	if (ct_sinoct_check(&st, labels, src) == CT_OK && ct_sinoct_write(&st, mk, csv) == CT_OK)
		check_mk(mk);
	ct_sinoct_free(&st);
	free(labels);
	return 0;
}
