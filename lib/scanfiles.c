/* scanfiles.c: see scanfiles.h. */
#include "scanfiles.h"
#include "fs.h"

#include <stdlib.h>
#include <string.h>

unsigned long long ct_scan_dicom_bytes(const char *dir, const char *uuid)
{
	char *path = ct_pathf("%s/dicom/%s/.verified", dir, uuid), *buf;
	unsigned long long sum = 0;
	ct_code c = path ? ct_read_file(path, &buf, NULL) : CT_ENOMEM;
	free(path);
	if (c)
		return 0;
	char *save = NULL;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(l, '\t');
		if (*l != '#' && tab)
			sum += strtoull(tab + 1, NULL, 10);
	}
	free(buf);
	return sum;
}
