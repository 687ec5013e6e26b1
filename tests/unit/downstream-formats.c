/* Unit tests of the downstream parsers: lib/csv (BOM, CRLF, quotes, guessed delimiter, ragged
 * rows), lib/npy (headers, dtypes, sign extension, truncation), lib/pin (placeholders, checks, records),
 * lib/cq500 (reads.csv), lib/datalist (split names), lib/unpack (macOS metadata names),
 * lib/labelmap (the class table). */
#include "table.h"
#include "cq500.h"
#include "datalist.h"
#include "labelmap.h"
#include "fs.h"
#include "npy.h"
#include "pin.h"
#include "unpack.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t npy(unsigned char *buf, const char *dict, const void *data, size_t len)
{
	size_t hl = strlen(dict), pad = (64 - (10 + hl + 1) % 64) % 64;
	memcpy(buf, "\x93NUMPY\x01\x00", 8);
	buf[8] = (unsigned char)((hl + pad + 1) & 0xff), buf[9] = (unsigned char)((hl + pad + 1) >> 8);
	memcpy(buf + 10, dict, hl);
	memset(buf + 10 + hl, ' ', pad);
	buf[10 + hl + pad] = '\n';
	memcpy(buf + 11 + hl + pad, data, len);
	return 11 + hl + pad + len;
}

static void csv_tests(void)
{
	const char text[] = "\xEF\xBB\xBFimage_id;split;note\r\ns1;train;\"a;b \"\"q\"\"\"\r\n\r\ns2;val;\"two\r\nlines\"\r\n";
	/* CHECK evaluates its condition twice: every call with an effect happens before it. */
	ct_table t;
	ct_code c = ct_table_parse(text, sizeof text - 1, 0, "t", &t);
	CHECK(c == CT_OK, "a ';' table with BOM, CRLF and quotes parses");
	CHECK(t.sep == ';' && t.n == 3, "delimiter guessed ';', blank line skipped (%zu rows)", t.n);
	CHECK(!strcmp(t.row[0].field[0], "image_id"), "the BOM is not part of the first name");
	CHECK(!strcmp(t.row[1].field[2], "a;b \"q\""), "quoted delimiter and doubled quotes");
	CHECK(!strcmp(t.row[2].field[2], "two\nlines"), "a quoted line break becomes LF");
	CHECK(ct_table_column(&t, "split") == 1 && ct_table_column(&t, "nope") == -1, "columns by name");
	ct_table_free(&t);
	c = ct_table_parse("a,b\n1,2,3\n", 10, 0, "r", &t);
	CHECK(c == CT_EDATA && strstr(ct_errmsg(), "r:2"), "a ragged row is refused with its line");
	const char tsv[] = "a\tb\tc,d\n1\t2\t3\n";
	c = ct_table_parse(tsv, strlen(tsv), 0, "g", &t);
	CHECK(c == CT_OK && t.sep == '\t' && t.row[1].n == 3, "tab guessed when tabs win");
	ct_table_free(&t);
	c = ct_table_parse("a,\"b\n", 5, 0, "q", &t);
	CHECK(c == CT_EDATA, "an unterminated quote is refused");
}

static void npy_tests(void)
{
	unsigned char buf[512];
	int16_t v[6] = {1, -2, 3, -32768, 5, 32767};
	size_t n = npy(buf, "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }", v, sizeof v);
	ct_npy a;
	CHECK(ct_npy_parse(buf, n, "v", &a) == CT_OK && a.ndim == 2 && a.shape[0] == 2 && a.shape[1] == 3 && a.count == 6,
	      "an int16 2x3 array parses");
	CHECK(ct_npy_int(&a, 1) == -2 && ct_npy_int(&a, 3) == -32768 && ct_npy_int(&a, 5) == 32767, "int16 values sign-extend");
	uint8_t u[3] = {0, 200, 255};
	n = npy(buf, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", u, 3);
	CHECK(ct_npy_parse(buf, n, "u", &a) == CT_OK && ct_npy_int(&a, 2) == 255, "uint8 values stay positive");
	CHECK(ct_npy_parse(buf, n - 1, "u", &a) == CT_EDATA, "a truncated array is refused");
	n = npy(buf, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", "abcd", 4);
	CHECK(ct_npy_parse(buf, n, "f", &a) == CT_EDATA, "float arrays are refused");
	n = npy(buf, "{'descr': '|u1', 'fortran_order': True, 'shape': (3,), }", u, 3);
	CHECK(ct_npy_parse(buf, n, "F", &a) == CT_EDATA, "Fortran order is refused");
	CHECK(ct_npy_parse("PK\3\4", 4, "z", &a) == CT_EDATA, "not an npy");
	/* Headers cut inside the descr string, unpadded, in buffers of exactly their size (under
	 * SAN=1 a read past the end is a failure): refused, naming what is wrong. */
	static const char *const cut[] = {"{'descr': '", "{'descr': '<", "{'descr': '<u", "{'descr': '<u1",
	                                  "{'descr': '<u12'", "{'descr': 'x"};
	for (size_t i = 0; i < sizeof cut / sizeof *cut; i++) {
		size_t hl = strlen(cut[i]);
		unsigned char *b = malloc(10 + hl);
		memcpy(b, "\x93NUMPY\x01\x00", 8);
		b[8] = (unsigned char)hl, b[9] = 0;
		memcpy(b + 10, cut[i], hl);
		ct_code c = ct_npy_parse(b, 10 + hl, "cut", &a);
		CHECK(c == CT_EDATA && strstr(ct_errmsg(), "cut: npy") && strstr(ct_errmsg(), "descr"),
		      "header %s (cut or malformed descr): refused (%s)", cut[i], ct_errmsg());
		free(b);
	}
}

static void pin_tests(void)
{
	char path[] = "/tmp/ct-pin-test.XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "# pins\n\n900150983CD24FB0D6963F7D28E17F72  abc.txt\n\r\nUNKNOWN-fill-in  later.csv\n";
	ssize_t w = fd >= 0 ? write(fd, text, sizeof text - 1) : -1;
	CHECK(w == (ssize_t)(sizeof text - 1), "pin file written");
	close(fd);
	char hex[CT_HEX_MAX];
	int found;
	CHECK(ct_pin_lookup(path, CT_MD5, "abc.txt", hex, &found) == CT_OK && !strcmp(hex, "900150983cd24fb0d6963f7d28e17f72"),
	      "a pin is found and lower-cased");
	CHECK(ct_pin_lookup(path, CT_MD5, "later.csv", hex, &found) == CT_EDATA && found == 1, "a placeholder pin fails, found");
	CHECK(ct_pin_lookup(path, CT_MD5, "other", hex, &found) == CT_EDATA && found == 0, "an unpinned name fails, not found");
	CHECK(ct_pin_lookup(path, CT_SHA256, "abc.txt", hex, &found) == CT_EDATA, "a pin of the wrong length fails");
	const char *const names[] = {"abc.txt", "missing.tar"};
	ct_code c = ct_pin_check(path, CT_MD5, names, 1);
	CHECK(c == CT_EDATA && strstr(ct_errmsg(), "line 5: later.csv"),
	      "check: a placeholder is named with its line (blank lines counted)");
	c = ct_pin_check(path, CT_MD5, names, 2);
	CHECK(c == CT_EDATA && strstr(ct_errmsg(), "2 pins") && strstr(ct_errmsg(), "missing.tar: not pinned"),
	      "check: every problem in one message, an unpinned name among them");
	CHECK(ct_pin_record(path, "900150983cd24fb0d6963f7d28e17f72", "abc.txt") == CT_OK, "record writes a pin file");
	c = ct_pin_check(path, CT_MD5, names, 1);
	CHECK(c == CT_OK, "check: a recorded pin file passes");
	CHECK(ct_pin_check(path, CT_SHA256, names, 1) == CT_EDATA, "check: a pin of another kind fails");
	unlink(path);
}

/* CQ500's reads.csv: labels from the readers' columns; a header cell that is no R<k>:<finding>
 * (an empty one too) and a name that is no CQ500-CT-<N> (a short one too) are refused: both
 * checks read past the end of a short value (found by make fuzz). */
static void cq500_tests(void)
{
	const char good[] = "name,Category,R1:ICH,R2:ICH,R3:ICH,R1:SDH,R2:SDH,R3:SDH\n"
	                    "CQ500-CT-1,B1,1,1,0,0,1,\nCQ500-CT-2,B1,0,0,0,0,0,0\n";
	ct_table t;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	CHECK(ct_table_parse(good, sizeof good - 1, ',', "reads.csv", &t) == CT_OK && ct_cq500_labels(&t, "reads.csv", f) == CT_OK,
	      "cq500: reads.csv read");
	fclose(f);
	CHECK(out && !strcmp(out, "name\tdir\tlabel\tICH\tSDH\nCQ500-CT-1\tCQ500CT1 CQ500CT1\t1\t1\t0\n"
	                          "CQ500-CT-2\tCQ500CT2 CQ500CT2\t0\t0\t0\n"),
	      "cq500: any finding is the label, two of three readers a finding");
	free(out);
	ct_table_free(&t);
	const char empty[] = "name,Category,R1:ICH,\nCQ500-CT-1,B1,1,\n";
	f = fopen("/dev/null", "w");
	CHECK(ct_table_parse(empty, sizeof empty - 1, ',', "reads.csv", &t) == CT_OK &&
	      ct_cq500_labels(&t, "reads.csv", f) == CT_EDATA && strstr(ct_errmsg(), "column '' is not R<k>:<finding>"),
	      "cq500: an empty column name is refused, named");
	ct_table_free(&t);
	const char short_name[] = "name,Category,R1:ICH\nCQ5,B1,1\n";
	CHECK(ct_table_parse(short_name, sizeof short_name - 1, ',', "reads.csv", &t) == CT_OK &&
	      ct_cq500_labels(&t, "reads.csv", f) == CT_EDATA && strstr(ct_errmsg(), "reads.csv:2: name 'CQ5' is not CQ500-CT-<N>"),
	      "cq500: a name shorter than CQ500-CT- is refused, naming the line (its digits were looked for past its end)");
	fclose(f);
	ct_table_free(&t);
}

/* classes TEXT: ct_classes_read of TEXT written to a file; the message in err. */
static ct_code classes(const char *text, ct_classes *c, char *err, size_t cap)
{
	char path[] = "/tmp/ct-classes-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return CT_EIO;
	close(fd);
	ct_code code = ct_classes_read(path, c);
	snprintf(err, cap, "%s", strstr(ct_errmsg(), ":") ? strstr(ct_errmsg(), ":") : "");
	unlink(path);
	return code;
}

static void classes_tests(void)
{
	ct_classes c;
	char err[256];
	ct_code code = classes("# a comment, then the header\nid\tname\r\n1\tspleen\n\n# more\n3\tkidney_left\n", &c, err, sizeof err);
	CHECK(code == CT_OK && c.n == 2 && c.cls[0].id == 1 && !strcmp(c.cls[0].name, "spleen") && c.cls[1].id == 3 &&
	      !strcmp(c.cls[1].name, "kidney_left"), "classes: comments, CRLF and blank lines skipped");
	ct_classes_free(&c);
	CHECK(classes("id\tname\n\n# x\n2\ta\n2\tb\n", &c, err, sizeof err) == CT_EDATA && !strncmp(err, ":5:", 3),
	      "classes: an id not above the last one is refused, naming its line (%s)", err);
	CHECK(classes("id\tname\n1\ta/b\n", &c, err, sizeof err) == CT_EDATA && !strncmp(err, ":2:", 3),
	      "classes: a name with '/' is refused");
	CHECK(classes("id\tname\n1\ta\tb\n", &c, err, sizeof err) == CT_EDATA, "classes: a line with a third field is refused");
	CHECK(classes("1\tspleen\n", &c, err, sizeof err) == CT_EDATA && strstr(err, "id"), "classes: a table without its header is refused");
	CHECK(classes("id\tname\n", &c, err, sizeof err) == CT_EDATA, "classes: a table without classes is refused");
}

int main(void)
{
	csv_tests();
	cq500_tests();
	classes_tests();
	npy_tests();
	pin_tests();
	CHECK(!strcmp(ct_datalist_section("train"), "training") && !strcmp(ct_datalist_section("VAL"), "validation") &&
	      !strcmp(ct_datalist_section("testing"), "testing") && !ct_datalist_section("") && !ct_datalist_section("holdout"),
	      "split names map to the three datalist sections");
	CHECK(ct_archive_is_macos_junk("__MACOSX/a/b") && ct_archive_is_macos_junk("T/imagesTr/._x.nii.gz") &&
	      ct_archive_is_macos_junk("._T") && !ct_archive_is_macos_junk("T/x._y") && !ct_archive_is_macos_junk("a/__MACOSXb"),
	      "macOS metadata names, and only those");
	return tap_done();
}
