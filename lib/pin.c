/* pin.c: see pin.h. */
#include "pin.h"
#include "fs.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

ct_code ct_pin_lookup(const char *file, ct_digest_kind kind, const char *name, char hex[CT_HEX_MAX], int *found)
{
	char *buf;
	ct_code c = ct_read_file(file, &buf, NULL);
	if (found)
		*found = 0;
	if (c)
		return c;
	c = ct_fail(CT_EDATA, "%s: not pinned in %s", name, file);
	int lineno = 0;
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		line[strcspn(line, "\r")] = 0;
		char *h = line + strspn(line, " \t");
		if (!*h || *h == '#')
			continue;
		char *sep = h + strcspn(h, " \t");
		if (!*sep)
			continue;
		*sep++ = 0;
		sep += strspn(sep, " \t*");
		if (strcmp(sep, name))
			continue;
		if (found)
			*found = 1;
		if (!ct_digest_hex_valid(kind, h)) {
			c = ct_fail(CT_EDATA, "%s:%d: %s: the %s pin is not filled in ('%s'): compute it and write it there",
			            file, lineno, name, ct_digest_kind_name(kind), h);
			break;
		}
		for (size_t i = 0; h[i]; i++)
			hex[i] = (char)tolower((unsigned char)h[i]);
		hex[strlen(h)] = 0;
		c = CT_OK;
		break;
	}
	free(buf);
	return c;
}
