/* csvrows.c: see csvrows.h. */
#include "csvrows.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
	ct_csv_row row;
	size_t cap;
	long line;       /* the line being fed */
	ct_csv_row_fn fn;
	void *arg;
	ct_code status;
} parse_state;

static void on_field(void *s, size_t len, void *p)
{
	parse_state *ps = p;
	if (ps->status)
		return;
	if (ps->row.n == 0)
		ps->row.line = ps->line;
	if (ps->row.n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 16;
		char **f = realloc(ps->row.field, cap * sizeof *f);
		if (!f) {
			ps->status = ct_fail(CT_ENOMEM, "csv: out of memory");
			return;
		}
		ps->row.field = f;
		ps->cap = cap;
	}
	char *copy = malloc(len + 1);
	if (!copy) {
		ps->status = ct_fail(CT_ENOMEM, "csv: out of memory");
		return;
	}
	if (len)
		memcpy(copy, s, len);
	copy[len] = 0;
	ps->row.field[ps->row.n++] = copy;
}

static void clear_row(parse_state *ps)
{
	for (size_t i = 0; i < ps->row.n; i++)
		free(ps->row.field[i]);
	ps->row.n = 0;
}

static void on_row(int c, void *p)
{
	(void)c;
	parse_state *ps = p;
	if (!ps->status && ps->row.n > 0)
		ps->status = ps->fn(&ps->row, ps->arg);
	clear_row(ps);
}

ct_code ct_csv_parse(const char *name, const char *buf, size_t len, char delim,
                     ct_csv_row_fn fn, void *arg)
{
	struct csv_parser p;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return ct_fail(CT_ENOMEM, "%s: cannot initialise the CSV parser", name);
	csv_set_delim(&p, (unsigned char)delim);
	parse_state ps = {.fn = fn, .arg = arg, .line = 1};
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
		buf += 3;
		len -= 3;
	}
	/* Feed line by line so each row knows the line it starts on. */
	size_t off = 0;
	while (off < len && !ps.status) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (buf + off)) + 1 : len - off;
		if (csv_parse(&p, buf + off, n, on_field, on_row, &ps) != n && !ps.status)
			ps.status = ct_fail(CT_EDATA, "%s:%ld: %s", name, ps.line, csv_strerror(csv_error(&p)));
		off += n;
		ps.line++;
	}
	if (!ps.status && csv_fini(&p, on_field, on_row, &ps) != 0)
		ps.status = ct_fail(CT_EDATA, "%s:%ld: unterminated quoted field", name, ps.row.line);
	clear_row(&ps);
	free(ps.row.field);
	csv_free(&p);
	return ps.status;
}

int ct_csv_column(const ct_csv_row *header, const char *key)
{
	for (size_t i = 0; i < header->n; i++)
		if (!strcasecmp(header->field[i], key))
			return (int)i;
	return -1;
}
