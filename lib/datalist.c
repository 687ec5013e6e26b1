/* datalist.c: see datalist.h. */
#include "datalist.h"
#include "fs.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const sections[] = {"training", "validation", "testing"};

ct_code ct_datalist_init(ct_datalist *d)
{
	d->root = json_object();
	for (int i = 0; d->root && i < 3; i++)
		if (json_object_set_new(d->root, sections[i], json_array()))
			return ct_fail(CT_ENOMEM, "datalist: out of memory");
	return d->root ? CT_OK : ct_fail(CT_ENOMEM, "datalist: out of memory");
}

const char *ct_datalist_section(const char *split)
{
	static const char *const names[][2] = {
		{"train", "training"}, {"training", "training"}, {"val", "validation"},
		{"validation", "validation"}, {"test", "testing"}, {"testing", "testing"}};
	for (size_t i = 0; split && i < sizeof names / sizeof names[0]; i++)
		if (!strcasecmp(split, names[i][0]))
			return names[i][1];
	return NULL;
}

ct_code ct_datalist_add(ct_datalist *d, const char *section, json_t *item)
{
	json_t *arr = json_object_get(d->root, section);
	if (!item || !arr || json_array_append_new(arr, item))
		return ct_fail(CT_ENOMEM, "datalist: cannot add to %s", section);
	return CT_OK;
}

ct_code ct_datalist_write(const ct_datalist *d, const char *path)
{
	char *text = json_dumps(d->root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text)
		return ct_fail(CT_ENOMEM, "%s: out of memory", path);
	size_t n = strlen(text);
	char *withnl = realloc(text, n + 2);
	if (!withnl) {
		free(text);
		return ct_fail(CT_ENOMEM, "%s: out of memory", path);
	}
	withnl[n] = '\n';
	ct_code c = ct_write_file_atomic(path, withnl, n + 1);
	free(withnl);
	return c;
}

void ct_datalist_free(ct_datalist *d)
{
	json_decref(d->root);
	d->root = NULL;
}
