/* Unit tests of lib/s3list (ListObjectsV2 pages, tokens, ETags, key checks) and lib/verified
 * (the journal survives a torn line; the record is sorted and not rewritten when unchanged). */
#include "fs.h"
#include "http.h"
#include "s3list.h"
#include "tap.h"
#include "verified.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char page1[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
	"<Name>idc-open-data</Name><Prefix>ser/</Prefix><KeyCount>3</KeyCount><MaxKeys>3</MaxKeys>"
	"<IsTruncated>true</IsTruncated>"
	"<Contents><Key>ser/a.dcm</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>"
	"<ETag>&quot;900150983CD24FB0D6963F7D28E17F72&quot;</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents>"
	"<Contents><Key>ser/b&amp;c &lt;1&gt;.dcm</Key><ETag>\"0123456789abcdef0123456789abcdef-12\"</ETag><Size>123456789012</Size></Contents>"
	"<Contents><Key>ser/c.dcm</Key><Size>0</Size><ETag>&quot;CJjC3aTq7YEDEAE=&quot;</ETag></Contents>"
	"<NextContinuationToken>1Ue+/x=&amp;y</NextContinuationToken>"
	"<ContinuationToken>ignored</ContinuationToken>"
	"</ListBucketResult>";

static const char page2[] =
	"<ListBucketResult><IsTruncated>false</IsTruncated>"
	"<Contents><Key>ser/d.dcm</Key><Size>7</Size><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag></Contents>"
	"</ListBucketResult>";

static int file_has(const char *path, const char *want)
{
	char *buf;
	size_t len;
	if (ct_read_file(path, &buf, &len))
		return 0;
	int same = len == strlen(want) && !memcmp(buf, want, len);
	free(buf);
	return same;
}

static void listing(void)
{
	/* CHECK evaluates its condition twice: every call with an effect happens before it. */
	ct_s3_listing l = {0};
	ct_code c = ct_s3list_parse(&l, page1, strlen(page1), "page 1");
	CHECK(c == CT_OK, "a page parses");
	CHECK(l.n == 3 && l.truncated, "three objects, truncated");
	CHECK(l.next_token && !strcmp(l.next_token, "1Ue+/x=&y"), "the continuation token is XML-unescaped");
	CHECK(!strcmp(l.v[0].etag, "900150983CD24FB0D6963F7D28E17F72") && l.v[0].size == 3,
	      "an ETag in &quot; arrives unquoted (case kept)");
	CHECK(!strcmp(l.v[1].key, "ser/b&c <1>.dcm") && l.v[1].size == 123456789012ULL,
	      "a key with escaped characters and a size beyond 32 bits");
	CHECK(!strcmp(l.v[1].etag, "0123456789abcdef0123456789abcdef-12"), "a plainly quoted ETag too");
	CHECK(ct_s3_etag_kind(l.v[0].etag) == 1 && ct_s3_etag_kind(l.v[1].etag) == 2 && ct_s3_etag_kind(l.v[2].etag) == 0,
	      "ETag kinds: MD5, multipart, opaque");
	c = ct_s3list_parse(&l, page2, strlen(page2), "page 2");
	CHECK(c == CT_OK && l.n == 4 && !l.truncated && !l.next_token,
	      "a second page adds its objects; the last page has no token");

	char *p = ct_s3list_path("idc-open-data", "ser/", "1Ue+/x=&y");
	CHECK(p && !strcmp(p, "idc-open-data?list-type=2&prefix=ser%2F&continuation-token=1Ue%2B%2Fx%3D%26y"),
	      "the token is URL-encoded when sent back");
	free(p);
	p = ct_s3list_path("b", "", NULL);
	CHECK(p && !strcmp(p, "b?list-type=2&prefix="), "a first page has no token");
	free(p);
	char *e = ct_url_escape("b/ser/a&b c+d.dcm", true);
	CHECK(e && !strcmp(e, "b/ser/a%26b%20c%2Bd.dcm"), "object paths keep '/' and escape the rest");
	free(e);

	const char *bad = "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>";
	c = ct_s3list_parse(&l, bad, strlen(bad), "p3");
	CHECK(c == CT_EDATA, "truncated without a token is an error");
	c = ct_s3list_parse(&l, "<List", 5, "p4");
	CHECK(c == CT_EDATA && strstr(ct_errmsg(), "p4"), "broken XML is an error naming the page");
	ct_s3list_free(&l);

	const char *why;
	const char *name = ct_s3_name_of("ser/x.dcm", "ser/", &why);
	CHECK(name && !strcmp(name, "x.dcm"), "a plain key gives its name");
	const char *hostile[] = {"ser/../x", "ser/..", "ser/.", "/etc/passwd", "ser//x", "ser/a/b", "other/x",
	                         "ser/", "ser/.verified", "ser/x.part", "ser/x.tmp.123", "ser/a\tb", "ser/a\\b", NULL};
	int all = 1;
	for (int i = 0; hostile[i]; i++)
		all &= ct_s3_name_of(hostile[i], "ser/", &why) == NULL && why != NULL;
	CHECK(all, "'..', absolute, outside, nested, hidden, partial-like and control-character keys are refused");
}

static void record(void)
{
	char dir[] = "/tmp/ct-unit-rec-XXXXXX";
	char *made = mkdtemp(dir);
	CHECK(made != NULL, "scratch directory");
	char *jpath = ct_path_join(dir, CT_JOURNAL_NAME), *rpath = ct_path_join(dir, CT_RECORD_NAME);
	const char *text =
		"b.dcm\t5\t00000000000000000000000000000000\tetag\told\n"
		"a.dcm\t3\t900150983cd24fb0d6963f7d28e17f72\tetag\t900150983cd24fb0d6963f7d28e17f72\n"
		"b.dcm\t7\t11111111111111111111111111111111\tsize\tx-2\n"
		"c.dcm\t9\t2222";
	ct_write_file_atomic(jpath, text, strlen(text));
	ct_journal j;
	ct_code c = ct_journal_open(&j, dir);
	CHECK(c == CT_OK && j.n == 2, "the journal loads, a torn last line ignored");
	const ct_vfile *b = ct_journal_find(&j, "b.dcm");
	CHECK(b && b->size == 7 && !strcmp(b->how, "size") && !strcmp(b->etag, "x-2"), "the later line of a name wins");
	CHECK(!ct_journal_find(&j, "c.dcm"), "the torn line names nothing");
	ct_journal j2;
	c = ct_journal_open(&j2, dir);
	CHECK(c == CT_EIO, "a second ct-fetch in the same directory is refused");
	ct_journal_close(&j2);
	ct_vfile add = {.name = "z.dcm", .size = 1, .md5 = "33333333333333333333333333333333", .how = "gcs-md5", .etag = "o"};
	c = ct_journal_append(&j, &add, 1);
	CHECK(c == CT_OK, "append");
	ct_journal_close(&j);
	c = ct_journal_open(&j, dir);
	CHECK(c == CT_OK && j.n == 3 && ct_journal_find(&j, "z.dcm"), "appended lines are read back");
	ct_journal_close(&j);

	ct_vfile files[2] = {
		{.name = "b.dcm", .size = 7, .md5 = "11111111111111111111111111111111", .how = "size", .etag = ""},
		{.name = "B.dcm", .size = 3, .md5 = "900150983cd24fb0d6963f7d28e17f72", .how = "etag", .etag = ""},
	};
	c = ct_verified_write(dir, "s3://bkt/ser/", files, 2);
	CHECK(c == CT_OK, "record written");
	CHECK(file_has(rpath, "# ct-fetch s3://bkt/ser/\n"
	                      "B.dcm\t3\t900150983cd24fb0d6963f7d28e17f72\tetag\n"
	                      "b.dcm\t7\t11111111111111111111111111111111\tsize\n"),
	      "the record: header, then NAME SIZE MD5 HOW sorted bytewise");
	struct stat st0, st1;
	stat(rpath, &st0);
	ct_verified_write(dir, "s3://bkt/ser/", files, 2);
	stat(rpath, &st1);
	/* An atomic write makes a new inode: the same inode means the file was left alone. */
	CHECK(st0.st_ino == st1.st_ino, "an unchanged record is not rewritten");
	ct_code c1 = ct_verified_remove(dir);
	int gone = access(rpath, F_OK) != 0;
	ct_code c2 = ct_verified_remove(dir);
	CHECK(c1 == CT_OK && gone && c2 == CT_OK, "the record is removed (and removing it twice is fine)");
	free(jpath);
	free(rpath);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	int rc = system(cmd);
	CHECK(rc == 0, "cleanup");
}

int main(void)
{
	listing();
	record();
	return tap_done();
}
