/* pin.c: see pin.h. */
#include "pin.h"
#include "fs.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	char *hex, *name; /* inside the file's buffer */
	int lineno;
} pin_line;

/* The pin lines of text (modified in place), comments and blank lines left out. */
static ct_code pin_lines(char *text, pin_line **out, size_t *n)
{
	size_t cap = 16;
	pin_line *v = malloc(cap * sizeof *v);
	*n = 0;
	int lineno = 0;
	/* Line by line, blank ones counted (strtok would skip them, and every later message would
	 * name the wrong line). */
	for (char *line = text, *next; v && line; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		line[strcspn(line, "\r")] = 0;
		char *h = line + strspn(line, " \t");
		if (!*h || *h == '#')
			continue;
		char *sep = h + strcspn(h, " \t");
		if (*sep)
			*sep++ = 0;
		sep += strspn(sep, " \t*");
		sep[strcspn(sep, "\t")] = 0;
		for (char *e = sep + strlen(sep); e > sep && e[-1] == ' '; e--)
			e[-1] = 0;
		if (*n == cap) {
			pin_line *w = realloc(v, (cap *= 2) * sizeof *v);
			if (!w)
				free(v);
			v = w;
		}
		if (v)
			v[(*n)++] = (pin_line){h, sep, lineno};
	}
	*out = v;
	return v ? CT_OK : ct_fail(CT_ENOMEM, "out of memory");
}

static ct_code read_pins(const char *file, char **buf, pin_line **lines, size_t *n)
{
	ct_code c = ct_read_file(file, buf, NULL);
	if (c)
		return c;
	if ((c = pin_lines(*buf, lines, n)))
		free(*buf);
	return c;
}

ct_code ct_pin_lookup(const char *file, ct_digest_kind kind, const char *name, char hex[CT_HEX_MAX], int *found)
{
	char *buf;
	pin_line *l;
	size_t n;
	if (found)
		*found = 0;
	ct_code c = read_pins(file, &buf, &l, &n);
	if (c)
		return c;
	c = ct_fail(CT_EDATA, "%s: not pinned in %s", name, file);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(l[i].name, name))
			continue;
		if (found)
			*found = 1;
		if (!ct_digest_hex_valid(kind, l[i].hex)) {
			c = ct_fail(CT_EDATA, "%s:%d: %s: the %s pin is not filled in ('%s'): compute it and write it there",
			            file, l[i].lineno, name, ct_digest_kind_name(kind), l[i].hex);
			break;
		}
		size_t k;
		for (k = 0; l[i].hex[k]; k++)
			hex[k] = (char)tolower((unsigned char)l[i].hex[k]);
		hex[k] = 0;
		c = CT_OK;
		break;
	}
	free(l);
	free(buf);
	return c;
}

/* The problems a check found, joined by "; " into one message (bounded: the rest counted). */
typedef struct {
	char msg[1536];
	size_t count;
} problems;

__attribute__((format(printf, 2, 3))) static void problem(problems *p, const char *fmt, ...)
{
	p->count++;
	size_t len = strlen(p->msg);
	if (len > sizeof p->msg - 300)
		return;
	if (len)
		len += (size_t)snprintf(p->msg + len, sizeof p->msg - len, "; ");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->msg + len, sizeof p->msg - len, fmt, ap);
	va_end(ap);
}

ct_code ct_pin_check(const char *file, ct_digest_kind kind, const char *const *names, size_t n)
{
	char *buf;
	pin_line *l;
	size_t nl;
	ct_code c = read_pins(file, &buf, &l, &nl);
	if (c)
		return c;
	problems p = {.msg = ""};
	for (size_t i = 0; i < nl; i++) {
		if (!*l[i].name)
			problem(&p, "line %d: '%s' names no file", l[i].lineno, l[i].hex);
		else if (!ct_digest_hex_valid(kind, l[i].hex))
			problem(&p, "line %d: %s: '%s' is not a valid %s digest", l[i].lineno, l[i].name, l[i].hex,
			        ct_digest_kind_name(kind));
		for (size_t j = 0; j < i; j++)
			if (!strcmp(l[i].name, l[j].name) && strcasecmp(l[i].hex, l[j].hex)) {
				problem(&p, "line %d: %s pinned again with another digest (line %d)", l[i].lineno, l[i].name, l[j].lineno);
				break;
			}
	}
	for (size_t k = 0; k < n; k++) {
		size_t i = 0;
		while (i < nl && strcmp(l[i].name, names[k]))
			i++;
		if (i == nl)
			problem(&p, "%s: not pinned", names[k]);
	}
	if (p.count)
		c = ct_fail(CT_EDATA, "%s: %zu pin%s missing or malformed: %s%s", file, p.count,
		            p.count == 1 ? "" : "s", p.msg, strlen(p.msg) > sizeof p.msg - 300 ? "; ..." : "");
	free(l);
	free(buf);
	return c;
}

ct_code ct_pin_record(const char *file, const char *hex, const char *name)
{
	char *line = ct_pathf("%s  %s\n", hex, name);
	if (!line)
		return ct_fail(CT_ENOMEM, "out of memory");
	ct_code c = ct_write_file_atomic(file, line, strlen(line));
	free(line);
	return c;
}
