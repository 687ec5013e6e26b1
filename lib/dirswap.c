/* dirswap.c: see dirswap.h. */
#include "dirswap.h"
#include "fs.h"

#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

void ct_remove_tree(const char *dir)
{
	nftw(dir, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

/* Rename src onto dir; an existing dir is moved aside first and removed after. */
ct_code ct_dir_publish(const char *src, const char *dir)
{
	/* Every file in src on disk before its name becomes final: one syncfs of the file system
	 * beats an fsync per file of a 145k-entry archive. */
	int fd = open(src, O_RDONLY | O_DIRECTORY);
	int synced = fd >= 0 && syncfs(fd) == 0;
	if (fd >= 0)
		close(fd);
	if (!synced)
		return ct_fail_errno(CT_EIO, "%s: cannot flush to disk", src);
	struct stat st;
	char *old = NULL;
	if (lstat(dir, &st) == 0) {
		size_t n = strlen(dir) + 16;
		old = malloc(n);
		if (!old)
			return ct_fail(CT_ENOMEM, "%s: out of memory", dir);
		snprintf(old, n, "%s.old.XXXXXX", dir);
		if (!mkdtemp(old) || rename(dir, old)) {
			ct_code c = ct_fail_errno(CT_EIO, "%s: cannot move the older copy aside", dir);
			free(old);
			return c;
		}
	}
	ct_code c = CT_OK;
	if (rename(src, dir))
		c = ct_fail_errno(CT_EIO, "%s: cannot rename to %s", src, dir);
	if (old) {
		if (c == CT_OK)
			ct_remove_tree(old);
		else
			rename(old, dir);
		free(old);
	}
	return c;
}

char *ct_dir_temp_beside(const char *dir)
{
	char *copy = strdup(dir);
	if (!copy)
		return NULL;
	ct_code c = ct_mkdir_p(dirname(copy), 0755);
	free(copy);
	if (c)
		return NULL;
	size_t n = strlen(dir) + 24;
	char *tmp = malloc(n);
	if (!tmp)
		return NULL;
	snprintf(tmp, n, "%s.unpack.XXXXXX", dir);
	if (!mkdtemp(tmp)) {
		free(tmp);
		return NULL;
	}
	return tmp;
}
