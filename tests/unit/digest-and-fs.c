/* Unit tests of lib/digest (known answers) and lib/fs (atomic writes, safe paths). */
#include "digest.h"
#include "fs.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void hex_of(ct_digest_kind k, const char *s, char *hex)
{
	ct_digest d;
	ct_digest_init(&d, k, strlen(s));
	ct_digest_update(&d, s, strlen(s));
	ct_digest_final(&d, hex);
}

int main(void)
{
	char hex[CT_HEX_MAX];
	hex_of(CT_MD5, "abc", hex);
	CHECK(!strcmp(hex, "900150983cd24fb0d6963f7d28e17f72"), "md5(abc) is RFC 1321's answer");
	hex_of(CT_SHA256, "abc", hex);
	CHECK(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "sha256(abc) is FIPS 180's answer");
	hex_of(CT_GITBLOB, "hello\n", hex);
	CHECK(!strcmp(hex, "ce013625030ba8dba906f756967f9e9ca394464a"), "git blob id of 'hello\\n' is what git hash-object says");
	CHECK(ct_base64_to_hex("kAFQmDzST7DWlj99KOF/cg==", hex, sizeof hex) == 0 &&
	      !strcmp(hex, "900150983cd24fb0d6963f7d28e17f72"), "base64 md5 (x-goog-hash) decodes to hex");
	CHECK(ct_digest_kind_parse("sha1-gitblob") == CT_GITBLOB && ct_digest_kind_parse("crc") < 0, "digest names parse");

	CHECK(ct_path_is_safe("a/b.dcm"), "a/b.dcm is safe");
	const char *bad[] = {"", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/..", "a\\b", NULL};
	int all = 1;
	for (int i = 0; bad[i]; i++)
		all &= !ct_path_is_safe(bad[i]);
	CHECK(all, "absolute, '..', '.', empty and backslash paths are refused");

	char dir[] = "/tmp/ct-unit-XXXXXX";
	CHECK(mkdtemp(dir) != NULL, "scratch directory");
	char *p = ct_path_join(dir, "out.txt");
	CHECK(ct_write_file_atomic(p, "one", 3) == CT_OK, "atomic write");
	ct_atomic a;
	ct_atomic_open(&a, p);
	fputs("two-but-aborted", ct_atomic_stream(&a));
	fflush(a.f);
	char *buf;
	size_t len;
	ct_read_file(p, &buf, &len);
	CHECK(len == 3 && !memcmp(buf, "one", 3), "an unfinished write leaves the old file as it was");
	free(buf);
	ct_atomic_abort(&a);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) = 1", dir);
	CHECK(system(cmd) == 0, "an aborted write leaves no temporary behind");
	char *dead = ct_pathf("%s/scan.nrrd.tmp.Ab12Z9", dir), *alive = ct_pathf("%s/notes.tmp.txt", dir);
	ct_write_file_atomic(dead, "x", 1);
	ct_write_file_atomic(alive, "y", 1);
	CHECK(ct_remove_temporaries(dir) == CT_OK && access(dead, F_OK) != 0 && access(alive, F_OK) == 0 &&
	      access(p, F_OK) == 0, "a killed writer's NAME.tmp.XXXXXX is removed, other files stay");
	unlink(alive);
	free(dead);
	free(alive);
	char *deep = ct_path_join(dir, "x/y/z");
	CHECK(ct_mkdir_p(deep, 0755) == CT_OK, "mkdir -p");
	char *xy = ct_path_join(dir, "x/y"), *x = ct_path_join(dir, "x"), *bc = ct_path_join(dir, "xb");
	ct_mkdir_p(bc, 0755);
	const char *pairs[][3] = {{deep, x, "y/z"}, {x, deep, "../.."}, {bc, xy, "../../xb"},
	                          {x, x, "."}, {xy, "/", NULL}, {"/", xy, NULL}};
	char *want_abs = ct_path_relative(xy, "/"), *want_up = ct_path_relative("/", xy);
	int rel_ok = want_abs && want_abs[0] != '/' && !strcmp(want_abs + strlen(want_abs) - 3, "x/y") &&
	             want_up && !strncmp(want_up, "../", 3) && !strstr(want_up, "x");
	for (int i = 0; i < 4; i++) {
		char *r = ct_path_relative(pairs[i][0], pairs[i][1]);
		rel_ok &= r && !strcmp(r, pairs[i][2]);
		free(r);
	}
	CHECK(rel_ok, "ct_path_relative: below, above, beside (xb is not under x), itself, from and to /");
	CHECK(ct_path_relative("/nonexistent/ct", dir) == NULL, "ct_path_relative: a path that does not exist");
	free(want_abs);
	free(want_up);
	free(xy);
	free(x);
	free(bc);
	CHECK(ct_read_file("/nonexistent/ct", &buf, &len) == CT_EIO && strstr(ct_errmsg(), "/nonexistent/ct"),
	      "a missing file is an I/O error naming the file");
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	system(cmd);
	free(p);
	free(deep);
	return tap_done();
}
