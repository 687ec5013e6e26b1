/* datalist.c: see datalist.h. */
#include "datalist.h"
#include "fs.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

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

ct_code ct_datalist_check_file(const char *base, const char *rel, const char *where)
{
	char *p = ct_path_join(base, rel);
	struct stat st;
	int ok = p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return ok ? CT_OK : ct_fail(CT_EDATA, "%s: %s: no such file under %s", where, rel, base);
}

/* A dataset.json path ("./imagesTr/x.nii.gz") as seen from base. */
static ct_code msd_path(const char *prefix, const char *p, const char *base, const char *where, json_t **out)
{
	if (!p)
		return ct_fail(CT_EDATA, "%s: an entry without a path", where);
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if (!ct_path_is_safe(p))
		return ct_fail(CT_EDATA, "%s: unsafe path '%s'", where, p);
	char *rel = ct_path_join(prefix, p);
	if (!rel)
		return ct_fail(CT_ENOMEM, "out of memory");
	ct_code c = ct_datalist_check_file(base, rel, where);
	*out = c ? NULL : json_string(rel);
	free(rel);
	return c;
}

static ct_code msd_item(json_t *e, const char *prefix, const char *task, const char *base, const char *where, json_t **item)
{
	json_t *img = NULL, *lab = NULL;
	const char *ip = json_is_string(e) ? json_string_value(e) : json_string_value(json_object_get(e, "image"));
	ct_code c = msd_path(prefix, ip, base, where, &img);
	json_t *l = json_is_object(e) ? json_object_get(e, "label") : NULL;
	if (c == CT_OK && l)
		c = msd_path(prefix, json_string_value(l), base, where, &lab);
	if (c) {
		json_decref(img);
		return c;
	}
	*item = json_object();
	json_object_set_new(*item, "image", img);
	if (lab)
		json_object_set_new(*item, "label", lab);
	json_object_set_new(*item, "task", json_string(task));
	return CT_OK;
}

ct_code ct_datalist_add_msd(ct_datalist *d, const char *json_path, const char *prefix, const char *base)
{
	json_error_t err;
	json_t *root = json_load_file(json_path, 0, &err);
	ct_code c = CT_OK;
	if (!root)
		c = ct_fail(CT_EDATA, "%s: %s", json_path, err.text);
	const char *task = strrchr(prefix, '/') ? strrchr(prefix, '/') + 1 : prefix;
	static const char *const keys[][2] = {{"training", "training"}, {"test", "testing"}};
	for (int k = 0; c == CT_OK && k < 2; k++) {
		json_t *arr = json_object_get(root, keys[k][0]), *e;
		size_t i;
		if (!json_is_array(arr) && k == 0)
			c = ct_fail(CT_EDATA, "%s: no training[]", json_path);
		json_array_foreach(arr, i, e) {
			json_t *item;
			if ((c = msd_item(e, prefix, task, base, json_path, &item)) || (c = ct_datalist_add(d, keys[k][1], item)))
				break;
		}
	}
	json_decref(root);
	return c;
}

void ct_datalist_free(ct_datalist *d)
{
	json_decref(d->root);
	d->root = NULL;
}
