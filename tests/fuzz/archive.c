/* Fuzz lib/unpack (libarchive): the input unpacked as ct-unpack does (with and without
 * --strip-top, into a fresh directory: nothing may land outside it), then read member by member
 * as ct-npz does, each member parsed as a .npy. Members are held to 64 MiB here (ct-npz: 8 GiB);
 * memory must follow what a member holds, never what its header claims. */
#include "fuzz.h"
#include "fs.h"
#include "npy.h"
#include "unpack.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static ct_code member(const char *name, void *data, size_t len, void *arg)
{
	(void)name, (void)arg;
	ct_npy a;
	ct_npy_parse(data, len, "member", &a);
	free(data);
	return CT_OK;
}

/* Everything the unpack may write is under box/: outside it only box and the input. */
static void check_nothing_escaped(void)
{
	DIR *d = opendir(fuzz_dir());
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "box") &&
		    strcmp(e->d_name, "in.archive"))
			abort();
	if (d)
		closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_clear("box");
	char *in = fuzz_file("in.archive", data, size);
	char *box = ct_path_join(fuzz_dir(), "box");
	ct_mkdir_p(box, 0755);
	char *out = ct_path_join(box, "out");
	ct_unpack(in, out, size % 2 ? CT_UNPACK_STRIP_TOP : 0);
	check_nothing_escaped();
	ct_archive_each(in, (size_t)64 << 20, member, NULL);
	free(in), free(box), free(out);
	return 0;
}
