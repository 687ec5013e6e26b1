/* s3list.c: see s3list.h. */
#include "s3list.h"

#include "http.h"

#include <ctype.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *ct_s3list_path(const char *bucket, const char *prefix, const char *token)
{
	char *b = ct_url_escape(bucket, false), *p = ct_url_escape(prefix, false);
	char *t = token ? ct_url_escape(token, false) : NULL;
	char *out = NULL;
	if (b && p && (t || !token)) {
		size_t n = strlen(b) + strlen(p) + (t ? strlen(t) : 0) + 64;
		out = malloc(n);
		if (out)
			snprintf(out, n, "%s?list-type=2&prefix=%s%s%s", b, p,
			         t ? "&continuation-token=" : "", t ? t : "");
	}
	free(b);
	free(p);
	free(t);
	return out;
}

/* Element names are compared without a namespace prefix; depth tells Contents' children from
 * ListBucketResult's own (Contents/Key vs a stray top-level Key). */
typedef struct {
	ct_s3_listing *l;
	int depth;
	bool in_contents;
	char *text;
	size_t tlen, tcap;
	bool collecting;
	ct_s3_object cur;
	bool oom;
} parse_state;

static const char *local_name(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static void on_start(void *u, const char *name, const char **attrs)
{
	parse_state *s = u;
	(void)attrs;
	name = local_name(name);
	s->depth++;
	if (s->depth == 2 && !strcmp(name, "Contents")) {
		s->in_contents = true;
		memset(&s->cur, 0, sizeof s->cur);
	}
	s->collecting = true;
	s->tlen = 0;
}

static void on_text(void *u, const char *txt, int len)
{
	parse_state *s = u;
	if (!s->collecting || s->oom)
		return;
	if (s->tlen + (size_t)len + 1 > s->tcap) {
		size_t cap = (s->tcap + (size_t)len + 1) * 2;
		char *t = realloc(s->text, cap);
		if (!t) {
			s->oom = true;
			return;
		}
		s->text = t;
		s->tcap = cap;
	}
	memcpy(s->text + s->tlen, txt, (size_t)len);
	s->tlen += (size_t)len;
	s->text[s->tlen] = 0;
}

static char *unquote_etag(const char *e)
{
	if (!strncmp(e, "W/", 2))
		e += 2;
	size_t n = strlen(e);
	if (n >= 2 && e[0] == '"' && e[n - 1] == '"') {
		e++;
		n -= 2;
	}
	return strndup(e, n); /* case kept: an opaque ETag goes back to the server in If-Range */
}

static void add_object(parse_state *s)
{
	ct_s3_listing *l = s->l;
	if (!s->cur.key || !s->cur.etag) {
		if (!s->cur.etag)
			s->cur.etag = strdup("");
		if (!s->cur.key) { /* a Contents without Key names nothing */
			free(s->cur.etag);
			memset(&s->cur, 0, sizeof s->cur); /* or the next ETag (or the end) frees it again */
			return;
		}
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		ct_s3_object *v = realloc(l->v, cap * sizeof *v);
		if (!v) {
			s->oom = true;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s->cur;
	memset(&s->cur, 0, sizeof s->cur);
}

static void on_end(void *u, const char *name)
{
	parse_state *s = u;
	const char *t = s->collecting && s->text ? s->text : "";
	if (!s->collecting)
		t = "";
	name = local_name(name);
	if (s->in_contents && s->depth == 3) {
		if (!strcmp(name, "Key")) {
			free(s->cur.key);
			s->cur.key = strdup(t);
		} else if (!strcmp(name, "Size")) {
			s->cur.size = strtoull(t, NULL, 10);
		} else if (!strcmp(name, "ETag")) {
			free(s->cur.etag);
			s->cur.etag = unquote_etag(t);
		}
	} else if (s->depth == 2 && !strcmp(name, "Contents")) {
		s->in_contents = false;
		add_object(s);
	} else if (s->depth == 2 && !strcmp(name, "IsTruncated")) {
		s->l->truncated = !strcmp(t, "true");
	} else if (s->depth == 2 && !strcmp(name, "NextContinuationToken")) {
		free(s->l->next_token);
		s->l->next_token = strdup(t);
	}
	s->collecting = false;
	s->tlen = 0;
	if (s->text)
		s->text[0] = 0;
	s->depth--;
}

ct_code ct_s3list_parse(ct_s3_listing *l, const char *xml, size_t len, const char *where)
{
	XML_Parser p = XML_ParserCreate(NULL);
	if (!p)
		return ct_fail(CT_ENOMEM, "%s: out of memory", where);
	parse_state s = {.l = l};
	l->truncated = false;
	free(l->next_token);
	l->next_token = NULL;
	XML_SetUserData(p, &s);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_text);
	ct_code c = CT_OK;
	if (XML_Parse(p, xml, (int)len, 1) == XML_STATUS_ERROR)
		c = ct_fail(CT_EDATA, "%s: listing is not XML: line %lu: %s", where,
		            (unsigned long)XML_GetCurrentLineNumber(p), XML_ErrorString(XML_GetErrorCode(p)));
	else if (s.oom)
		c = ct_fail(CT_ENOMEM, "%s: out of memory", where);
	else if (l->truncated && (!l->next_token || !*l->next_token))
		c = ct_fail(CT_EDATA, "%s: listing is truncated but has no NextContinuationToken", where);
	free(s.cur.key);
	free(s.cur.etag);
	free(s.text);
	XML_ParserFree(p);
	return c;
}

void ct_s3list_free(ct_s3_listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].etag);
	}
	free(l->v);
	free(l->next_token);
	memset(l, 0, sizeof *l);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);
	return n >= k && !strcmp(s + n - k, tail);
}

const char *ct_s3_name_of(const char *key, const char *prefix, const char **why)
{
	size_t pl = strlen(prefix);
	const char *name = key + pl;
	*why = NULL;
	if (strncmp(key, prefix, pl))
		*why = "key is outside the prefix";
	else if (!*name)
		*why = "key is the prefix itself";
	else if (strchr(name, '/'))
		*why = "key has a '/' after the prefix";
	else if (name[0] == '.')
		*why = "name starts with '.'";
	else if (ends_with(name, ".part") || strstr(name, ".tmp."))
		*why = "name ends like ct-fetch's own partial files";
	for (const unsigned char *p = (const unsigned char *)name; !*why && *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			*why = "name has a control character or a backslash";
	return *why ? NULL : name;
}

int ct_s3_etag_kind(const char *etag)
{
	size_t i = 0;
	while (isxdigit((unsigned char)etag[i]))
		i++;
	if (i != 32)
		return 0;
	if (!etag[i])
		return 1;
	if (etag[i] != '-' || !etag[i + 1])
		return 0;
	for (i++; etag[i]; i++)
		if (!isdigit((unsigned char)etag[i]))
			return 0;
	return 2;
}
