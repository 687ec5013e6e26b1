/* zenodo.c: see zenodo.h. */
#include "zenodo.h"
#include "log.h"

#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum { MAX_ATTEMPTS = 8, MAX_WAIT = 120, MAX_BODY = 64 << 20 };

typedef struct {
	char *buf;
	size_t len;
	long retry_after;
} body;

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	body *b = arg;
	size_t k = size * n;
	if (b->len + k > MAX_BODY)
		return 0;
	char *nb = realloc(b->buf, b->len + k + 1);
	if (!nb)
		return 0;
	memcpy(nb + b->len, p, k);
	b->buf = nb;
	b->len += k;
	b->buf[b->len] = 0;
	return k;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	body *b = arg;
	size_t k = size * n;
	if (k > 12 && !strncasecmp(p, "Retry-After:", 12))
		b->retry_after = strtol(p + 12, NULL, 10);
	return k;
}

/* One GET into memory; *status is the HTTP status (0 when the connection failed). */
static ct_code get_once(CURL *h, const char *url, body *b, long *status)
{
	free(b->buf);
	memset(b, 0, sizeof *b);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, b);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "ctmake/0.1");
	CURLcode r = curl_easy_perform(h);
	*status = 0;
	if (r != CURLE_OK)
		return ct_fail(CT_ENET, "%s: %s", url, curl_easy_strerror(r));
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	if (*status != 200)
		return ct_fail(CT_ENET, "%s: HTTP %ld", url, *status);
	return CT_OK;
}

/* GET with retries on 429, 5xx and broken connections; the body is malloc'd. */
static ct_code get_small(const char *url, char **out, size_t *len)
{
	CURL *h = curl_easy_init();
	if (!h)
		return ct_fail(CT_ENOMEM, "%s: cannot start libcurl", url);
	body b = {0};
	ct_code c = CT_ENET;
	long wait = 1;
	for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
		long status;
		c = get_once(h, url, &b, &status);
		if (c == CT_OK || (status && status != 429 && status < 500))
			break;
		long w = b.retry_after > 0 ? b.retry_after : wait;
		w = w > MAX_WAIT ? MAX_WAIT : w;
		if (attempt < MAX_ATTEMPTS) {
			ct_warn("%s; retrying in %ld s", ct_errmsg(), w);
			sleep((unsigned)w);
		}
		wait = wait * 2 > MAX_WAIT ? MAX_WAIT : wait * 2;
	}
	curl_easy_cleanup(h);
	if (c) {
		free(b.buf);
		return c;
	}
	*out = b.buf ? b.buf : strdup("");
	*len = b.len;
	return CT_OK;
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
	char *esc = curl_easy_escape(NULL, key, 0);
	size_t n = strlen(base) + strlen(record) + strlen(esc ? esc : "") + 40;
	out->url = malloc(n);
	out->name = strdup(key);
	if (!esc || !out->url || !out->name) {
		curl_free(esc);
		ct_zenodo_file_free(out);
		return ct_fail(CT_ENOMEM, "%s: out of memory", where);
	}
	snprintf(out->url, n, "%s/records/%s/files/%s?download=1", base, record, esc);
	curl_free(esc);
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
	size_t n = strlen(base) + strlen(record) + 16;
	char *url = malloc(n);
	if (!url)
		return ct_fail(CT_ENOMEM, "out of memory");
	snprintf(url, n, "%s/api/records/%s", base, record);
	char *json = NULL;
	size_t len = 0;
	ct_code c = get_small(url, &json, &len);
	free(url);
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
