/* pattern.c: see pattern.h. */
#include "pattern.h"
#include "fs.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	char *text;    /* a literal part, or the keyword */
	uint32_t tag;  /* 0 for a literal or an unknown keyword */
	int key;
} piece;

struct ct_pattern {
	piece *p;
	size_t n;
	char keep[256];
	const char *unknown;
};

static const char unsafe[] = "+`~!@#$%^&*(){}[]/=\\|<>,.\":' ";

#define VALUE_MAX 4096
#define NAME_MAX_BYTES 255

static ct_code add_piece(ct_pattern *p, const char *s, size_t len, int key)
{
	piece *np = realloc(p->p, (p->n + 1) * sizeof *np);
	char *t = strndup(s, len);
	if (!np || !t) {
		free(t);
		if (np)
			p->p = np;
		return ct_fail(CT_ENOMEM, "out of memory");
	}
	p->p = np;
	p->p[p->n] = (piece){.text = t, .key = key, .tag = key ? ct_dicom_tag_of(t) : 0};
	if (key && !p->p[p->n].tag && !p->unknown)
		p->unknown = t;
	p->n++;
	return CT_OK;
}

/* The pattern with every keyword as "x": its literal skeleton must already be safe. */
static int skeleton_safe(const ct_pattern *p)
{
	size_t len = 1;
	for (size_t i = 0; i < p->n; i++)
		len += p->p[i].key ? 1 : strlen(p->p[i].text);
	char *s = calloc(1, len);
	if (!s)
		return 0;
	for (size_t i = 0; i < p->n; i++)
		strcat(s, p->p[i].key ? "x" : p->p[i].text);
	int ok = ct_path_is_safe(s);
	free(s);
	return ok;
}

ct_code ct_pattern_parse(const char *pattern, const char *keep, ct_pattern **out)
{
	*out = NULL;
	if (keep && strchr(keep, '/'))
		return ct_fail(CT_EUSAGE, "--keep-chars may not hold '/'");
	ct_pattern *p = calloc(1, sizeof *p);
	if (!p)
		return ct_fail(CT_ENOMEM, "out of memory");
	for (const char *k = keep; k && *k; k++)
		p->keep[(unsigned char)*k] = 1;
	ct_code c = CT_OK;
	const char *lit = pattern, *s = pattern;
	while (!c && *s) {
		if (s[0] != '%' || !isalpha((unsigned char)s[1])) {
			s++;
			continue;
		}
		if (s > lit)
			c = add_piece(p, lit, (size_t)(s - lit), 0);
		const char *k = ++s;
		while (isalpha((unsigned char)*s))
			s++;
		if (!c)
			c = add_piece(p, k, (size_t)(s - k), 1);
		lit = s;
	}
	if (!c && s > lit)
		c = add_piece(p, lit, (size_t)(s - lit), 0);
	if (!c && !skeleton_safe(p))
		c = ct_fail(CT_EUSAGE, "pattern '%s': not a relative path inside the target (no leading "
		            "'/', no '.' or '..' or empty component)", pattern);
	if (c)
		ct_pattern_free(p);
	else
		*out = p;
	return c;
}

void ct_pattern_free(ct_pattern *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->p[i].text);
	free(p->p);
	free(p);
}

const char *ct_pattern_unknown(const ct_pattern *p)
{
	return p->unknown;
}

static int numeric_vr(const char *vr)
{
	static const char *const nums[] = {"DS", "IS", "US", "SS", "UL", "SL", "FL", "FD", "UV", "SV",
	                                   "US or SS", NULL};
	for (int i = 0; nums[i]; i++)
		if (!strcmp(vr, nums[i]))
			return 1;
	return 0;
}

/* One item of a multi-valued number as pydicom shows it: DS and IS as written in the file,
 * binary integers bare, binary floats as Python's repr() (shortest, ".0" when integral). */
static void python_number(const char *vr, const char *item, char *out, size_t cap)
{
	double v = strtod(item, NULL);
	if (!strcmp(vr, "DS") || !strcmp(vr, "IS")) {
		while (*item == ' ')
			item++;
		snprintf(out, cap, "%s", item);
		return;
	}
	if (strcmp(vr, "FL") && strcmp(vr, "FD")) {
		if (v > -9.2e18 && v < 9.2e18) /* beyond long long, the cast is undefined: keep the text */
			snprintf(out, cap, "%lld", (long long)v);
		else
			snprintf(out, cap, "%s", item);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, cap, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
	if (!strpbrk(out, ".enai"))
		snprintf(out + strlen(out), cap - strlen(out), ".0");
}

/* pydicom's str() of a value: "['A', 'B']" or "[0.5, 0.5]" when multi-valued; a person name
 * without its empty trailing groups ("Wang^XiaoDong=王^小東=" reads "Wang^XiaoDong=王^小東"). */
static void python_str(const char *vr, const char *raw, char *out, size_t cap)
{
	int pn = !strcmp(vr, "PN");
	if (!strchr(raw, '\\')) {
		size_t n = strlen(raw);
		while (pn && n && raw[n - 1] == '=')
			n--;
		snprintf(out, cap, "%.*s", (int)n, raw);
		return;
	}
	int num = numeric_vr(vr);
	size_t n = (size_t)snprintf(out, cap, "[");
	const char *s = raw;
	for (int first = 1; n < cap; first = 0) {
		const char *e = strchr(s, '\\');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		char item[VALUE_MAX], shown[VALUE_MAX + 8];
		snprintf(item, sizeof item, "%.*s", (int)len, s);
		while (len && (item[len - 1] == ' ' || (pn && item[len - 1] == '=')))
			item[--len] = 0;
		if (num)
			python_number(vr, item, shown, sizeof shown);
		else
			snprintf(shown, sizeof shown, "'%s'", item);
		n += (size_t)snprintf(out + n, cap - n, "%s%s", first ? "" : ", ", shown);
		if (!e)
			break;
		s = e + 1;
	}
	if (n < cap)
		snprintf(out + n, cap - n, "]");
}

static void replace_chars(const ct_pattern *p, char *s)
{
	for (unsigned char *c = (unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f || (strchr(unsafe, *c) && !p->keep[*c]))
			*c = '_';
}

/* Components made only of dots become underscores; each is cut to 255 bytes. */
static void tidy_components(char *path)
{
	char *w = path;
	for (char *s = path; *s;) {
		char *e = strchrnul(s, '/');
		size_t len = (size_t)(e - s);
		if (strspn(s, ".") >= len)
			memset(s, '_', len);
		else if (s[0] == '.') /* no hidden names either */
			s[0] = '_';
		size_t keep = len > NAME_MAX_BYTES ? NAME_MAX_BYTES : len;
		while (keep < len && keep && ((unsigned char)s[keep] & 0xc0) == 0x80)
			keep--; /* values are UTF-8 (lib/charset.h): never cut inside a character */
		memmove(w, s, keep);
		w += keep;
		if (!*e)
			break;
		*w++ = '/';
		s = e + 1;
	}
	*w = 0;
}

char *ct_pattern_expand(const ct_pattern *p, const ct_dicom *d)
{
	size_t cap = 256, len = 0;
	char *out = malloc(cap);
	for (size_t i = 0; out && i < p->n; i++) {
		char raw[VALUE_MAX], val[VALUE_MAX];
		const piece *pc = &p->p[i];
		if (!pc->key) {
			snprintf(val, sizeof val, "%s", pc->text);
		} else {
			if (!pc->tag || ct_dicom_text(d, pc->tag, raw, sizeof raw) <= 0)
				snprintf(val, sizeof val, "Unknown%s", pc->text);
			else
				python_str(ct_dicom_vr_of(pc->tag), raw, val, sizeof val);
			replace_chars(p, val);
		}
		size_t n = strlen(val);
		if (len + n + 1 > cap) {
			char *o = realloc(out, cap = 2 * (len + n + 1));
			if (!o) {
				free(out);
				return NULL;
			}
			out = o;
		}
		memcpy(out + len, val, n + 1);
		len += n;
	}
	if (out)
		tidy_components(out);
	return out;
}

ct_code ct_pattern_split(const char *arg, char **target, char **pattern)
{
	const char *pct = strchr(arg, '%');
	if (!pct) {
		size_t n = strlen(arg);
		while (n > 1 && arg[n - 1] == '/')
			n--;
		*target = strndup(arg, n);
		*pattern = strdup(CT_PATTERN_DEFAULT);
	} else {
		const char *slash = pct;
		while (slash > arg && slash[-1] != '/')
			slash--;
		/* slash: the start of the component holding the first '%' */
		*target = slash == arg ? strdup(".") : slash - 1 == arg ? strdup("/")
		                                     : strndup(arg, (size_t)(slash - 1 - arg));
		*pattern = strdup(slash);
	}
	if (!*target || !*pattern) {
		free(*target);
		free(*pattern);
		return ct_fail(CT_ENOMEM, "out of memory");
	}
	return CT_OK;
}
