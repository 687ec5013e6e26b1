/* tests/fuzz/fuzz.c: see fuzz.h. */
#include "fuzz.h"
#include "dirswap.h"
#include "fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dir;

static void remove_dir(void)
{
	if (dir)
		ct_remove_tree(dir);
}

const char *fuzz_dir(void)
{
	if (!dir) {
		const char *tmp = getenv("TMPDIR");
		dir = ct_pathf("%s/ct-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!dir || !mkdtemp(dir))
			abort();
		atexit(remove_dir);
	}
	return dir;
}

char *fuzz_file(const char *rel, const uint8_t *data, size_t size)
{
	char *path = ct_path_join(fuzz_dir(), rel);
	char *parent = path ? strdup(path) : NULL;
	if (!parent)
		abort();
	*strrchr(parent, '/') = 0;
	if (ct_mkdir_p(parent, 0755) != CT_OK)
		abort();
	free(parent);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	return path;
}

void fuzz_clear(const char *rel)
{
	char *path = ct_path_join(fuzz_dir(), rel);
	if (!path)
		abort();
	ct_remove_tree(path);
	free(path);
}

char *fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = 0;
	return text;
}

char *fuzz_files(const char *rel, const uint8_t *data, size_t size, int max)
{
	static const char sep[8] = "\0CTFILE\0";
	fuzz_clear(rel);
	const uint8_t *p = data, *end = data + size;
	for (int i = 0; i < max && p <= end; i++) {
		const uint8_t *next = i < max - 1 ? memmem(p, (size_t)(end - p), sep, sizeof sep) : NULL;
		size_t len = next ? (size_t)(next - p) : (size_t)(end - p);
		char *name = ct_pathf("%s/IM%d.dcm", rel, i);
		if (!name)
			abort();
		free(fuzz_file(name, p, len));
		free(name);
		if (!next)
			break;
		p = next + sizeof sep;
	}
	return ct_path_join(fuzz_dir(), rel);
}
