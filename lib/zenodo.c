/* zenodo.c: see zenodo.h. */
#include "zenodo.h"
#include "http.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

enum { RETRIES = 8, MAX_BODY = 64 << 20 };

/* GET base/path into memory, retried by lib/http (429 and 5xx honouring Retry-After, resets). */
static ct_code get_small(const char *base, const char *path, char **out, size_t *len)
{
	const char *endpoints[] = {base};
	ct_http_opts o = {.endpoints = endpoints, .nendpoints = 1, .jobs = 1, .retries = RETRIES, .stall_seconds = 60};
	ct_http *h;
	ct_code c = ct_http_new(&h, &o);
	if (c)
		return c;
	ct_http_mem b = {.max = MAX_BODY};
	char name[512];
	snprintf(name, sizeof name, "%s/%s", base, path);
	ct_http_req req = {.name = name, .path = path, .sink = &ct_http_mem_sink, .user = &b};
	ct_http_req *reqs[] = {&req};
	c = ct_http_run(h, reqs, 1);
	ct_http_free(h);
	if (c || !req.done) {
		free(b.buf);
		return ct_fail(c ? c : CT_ENET, "%s: %s", name, req.why[0] ? req.why : "failed");
	}
	*out = b.buf ? b.buf : strdup("");
	*len = b.len;
	return *out ? CT_OK : ct_fail(CT_ENOMEM, "out of memory");
}

static ct_code fill(json_t *f, const char *base, const char *record, const char *where, ct_zenodo_file *out)
{
	const char *key = json_string_value(json_object_get(f, "key"));
	const char *sum = json_string_value(json_object_get(f, "checksum"));
	json_t *size = json_object_get(f, "size");
	if (!key || !sum || !json_is_integer(size))
		return ct_fail(CT_EDATA, "%s: a file without key, size or checksum", where);
	if (strncmp(sum, "md5:", 4) || !ct_digest_hex_valid(CT_MD5, sum + 4))
		return ct_fail(CT_EDATA, "%s: %s: checksum '%s' is not md5:<hex>", where, key, sum);
	char *esc = ct_url_escape(key, false);
	size_t n = strlen(base) + strlen(record) + strlen(esc ? esc : "") + 40;
	out->url = malloc(n);
	out->name = strdup(key);
	if (!esc || !out->url || !out->name) {
		free(esc);
		ct_zenodo_file_free(out);
		return ct_fail(CT_ENOMEM, "%s: out of memory", where);
	}
	snprintf(out->url, n, "%s/records/%s/files/%s?download=1", base, record, esc);
	free(esc);
	out->size = json_integer_value(size);
	for (int i = 0; i < 33; i++)
		out->md5[i] = (char)tolower((unsigned char)sum[4 + i]); /* with the NUL */
	return CT_OK;
}

ct_code ct_zenodo_parse(const char *json, size_t len, const char *base, const char *record,
                        const char *name, ct_zenodo_file *out)
{
	memset(out, 0, sizeof *out);
	char where[256];
	snprintf(where, sizeof where, "Zenodo record %s", record);
	json_error_t err;
	json_t *root = json_loadb(json, len, 0, &err);
	if (!root)
		return ct_fail(CT_EDATA, "%s: not JSON: line %d: %s", where, err.line, err.text);
	json_t *files = json_object_get(root, "files");
	ct_code c = CT_OK;
	if (!json_is_array(files) || json_array_size(files) == 0)
		c = ct_fail(CT_EDATA, "%s: no files[]", where);
	else if (!name && json_array_size(files) != 1)
		c = ct_fail(CT_EDATA, "%s: holds %zu files: name one", where, json_array_size(files));
	else {
		json_t *pick = name ? NULL : json_array_get(files, 0);
		size_t i;
		json_t *f;
		json_array_foreach(files, i, f) {
			const char *key = json_string_value(json_object_get(f, "key"));
			if (name && key && !strcmp(key, name))
				pick = f;
		}
		c = pick ? fill(pick, base, record, where, out) : ct_fail(CT_EDATA, "%s: no file named %s", where, name);
	}
	json_decref(root);
	return c;
}

ct_code ct_zenodo_lookup(const char *base, const char *record, const char *name, ct_zenodo_file *out)
{
	memset(out, 0, sizeof *out);
	char path[64];
	snprintf(path, sizeof path, "api/records/%.40s", record);
	char *json = NULL;
	size_t len = 0;
	ct_code c = get_small(base, path, &json, &len);
	if (c)
		return c;
	c = ct_zenodo_parse(json, len, base, record, name, out);
	free(json);
	return c;
}

void ct_zenodo_file_free(ct_zenodo_file *f)
{
	free(f->name);
	free(f->url);
	memset(f, 0, sizeof *f);
}
