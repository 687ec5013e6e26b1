/* Unit tests: lib/headers, the one folder listing and header reader of ct-convert and
 * ct-series. Two folders: a scratch one (a DICOMDIR, a symlink to one of pydicom's CT5N
 * slices, a copy of another cut inside its header, one cut just before its Rows, a README, a
 * subfolder) and CT5N itself. The files come in name order, folder after folder, subfolders
 * left out; each is classified (not DICOM; DICOM whose header does not parse, with where it
 * broke; read, the one cut before Rows as an object without an image whose SOP Class says CT
 * image); the symlink reads as the file it names; threads do not change a value; a missing
 * folder fails naming it. */
#include "headers.h"
#include "fs.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TESTS "/usr/lib/python3/dist-packages/pydicom/data/test_files/dicomdirtests"
#define CT5N TESTS "/98892001/CT5N"

static const char *name_of(const ct_header *h)
{
	return strrchr(h->s.path, '/') + 1;
}

/* The first n bytes of from, as to; n 0: the bytes before its (0028,0010) Rows element
 * (explicit VR little endian). */
static int cut_copy(const char *from, const char *to, size_t n)
{
	char *buf;
	size_t len;
	if (ct_read_file(from, &buf, &len) != CT_OK)
		return -1;
	const char *rows = memmem(buf, len, "\x28\x00\x10\x00US", 6);
	if (!n && rows)
		n = (size_t)(rows - buf);
	ct_code c = n ? ct_write_file_atomic(to, buf, n < len ? n : len) : CT_EDATA;
	free(buf);
	return c == CT_OK ? 0 : -1;
}

static int same_header(const ct_header *a, const ct_header *b)
{
	return a->dicom == b->dicom && a->image == b->image && !strcmp(a->series_uid, b->series_uid) &&
	       !strcmp(a->s.ts, b->s.ts) && a->s.rows == b->s.rows && a->s.cols == b->s.cols &&
	       !memcmp(a->s.ipp, b->s.ipp, sizeof a->s.ipp) && !memcmp(a->s.iop, b->s.iop, sizeof a->s.iop) &&
	       a->s.pixel_offset == b->s.pixel_offset && a->pixel_bytes == b->pixel_bytes &&
	       !strcmp(a->image_type, b->image_type) && !strcmp(a->description, b->description);
}

int main(void)
{
	char dir[] = "/tmp/ct-unit-XXXXXX";
	CHECK(mkdtemp(dir) != NULL, "scratch directory");
	char *dicomdir = ct_pathf("%s/DICOMDIR", dir), *link = ct_pathf("%s/a.dcm", dir),
	     *cut = ct_pathf("%s/b-cut.dcm", dir), *short_ = ct_pathf("%s/b-short.dcm", dir),
	     *readme = ct_pathf("%s/c.txt", dir),
	     *sub = ct_pathf("%s/sub", dir), *inside = ct_pathf("%s/sub/x.dcm", dir);
	CHECK(cut_copy(TESTS "/DICOMDIR", dicomdir, (size_t)-1) == 0 && symlink(CT5N "/3353", link) == 0 &&
	      cut_copy(CT5N "/2062", cut, 700) == 0 && cut_copy(CT5N "/2062", short_, 0) == 0 &&
	      ct_write_file_atomic(readme, "scanned 2024\n", 13) == CT_OK &&
	      mkdir(sub, 0755) == 0 && symlink(CT5N "/2392", inside) == 0, "the scratch folder is made");

	const char *dirs[] = {dir, CT5N};
	ct_headers hs;
	ct_code c = ct_headers_read(dirs, 2, 2, 1, &hs);
	CHECK(c == CT_OK && hs.n == 10, "two folders: 5 files of the scratch one (not its subfolder), 5 of CT5N (%zu)", hs.n);
	if (c || hs.n != 10)
		return tap_done();
	const char *want[] = {"DICOMDIR", "a.dcm", "b-cut.dcm", "b-short.dcm", "c.txt", "2062", "2392", "2693", "3023", "3353"};
	int order = 1;
	for (size_t i = 0; i < 10; i++)
		order &= !strcmp(name_of(&hs.h[i]), want[i]) && !strncmp(hs.h[i].s.path, i < 5 ? dir : CT5N, strlen(i < 5 ? dir : CT5N));
	CHECK(order, "by name within a folder (bytes: upper case first), folders in the order given");

	CHECK(!hs.h[0].dicom && !hs.h[0].unreadable, "a DICOMDIR is not DICOM (and no error)");
	CHECK(!hs.h[4].dicom && !hs.h[4].unreadable, "a README is not DICOM (and no error)");
	CHECK(!hs.h[2].dicom && hs.h[2].unreadable && strstr(hs.h[2].unreadable, cut),
	      "a DICOM file cut inside its header is unreadable, the message naming it: %s", hs.h[2].unreadable);
	CHECK(hs.h[1].dicom && same_header(&hs.h[1], &hs.h[9]), "a symlink reads as the slice it names");
	CHECK(hs.h[3].dicom && !hs.h[3].image && hs.h[3].pixel_bytes == 0 && !strcmp(hs.h[3].sop_class, hs.h[5].sop_class) &&
	      !strcmp(hs.h[3].sop_class, "1.2.840.10008.5.1.4.1.1.2"),
	      "cut before its Rows: read, no image, no pixels, and its SOP Class (CT Image Storage) says what it was");

	int ct5n = 1;
	for (size_t i = 5; i < 10; i++) {
		const ct_header *h = &hs.h[i];
		ct5n &= h->dicom && !h->unreadable && h->image && !h->localizer && h->s.rows == 16 && h->s.cols == 16 &&
		        !strcmp(h->modality, "CT") && h->series_uid[0] && !strcmp(h->series_uid, hs.h[5].series_uid) &&
		        h->has_ipp && h->has_iop && h->has_ps && h->s.native && h->frames == 1 && h->pixel_bytes >= 16 * 16 * 2 &&
		        h->s.pixel_offset > 0;
	}
	CHECK(ct5n, "CT5N: five 16 x 16 uncompressed CT slices of one series, with position, orientation, spacing");

	ct_headers one;
	c = ct_headers_read(dirs, 2, 1, 1, &one);
	int same = c == CT_OK && one.n == hs.n;
	for (size_t i = 0; same && i < hs.n; i++)
		same = !strcmp(one.h[i].s.path, hs.h[i].s.path) && same_header(&one.h[i], &hs.h[i]);
	CHECK(same, "one thread reads what two do");
	ct_headers_free(&one);
	c = ct_headers_read(dirs, 2, 2, 0, &one);
	CHECK(c == CT_OK && one.n == hs.n && !strcmp(one.h[5].modality, "CT") && !one.h[5].description[0] &&
	      !strcmp(one.h[5].series_uid, hs.h[5].series_uid) && !strcmp(one.h[5].sop_class, hs.h[5].sop_class) &&
	      !strcmp(one.h[5].image_type, hs.h[5].image_type) && one.h[5].s.rows == 16,
	      "without describe: the series' UID, SOP Class, ImageType, Modality (lib/slices sets other modalities aside) and numbers, not its description");
	ct_headers_free(&one);
	ct_headers_free(&hs);
	CHECK(hs.n == 0 && hs.h == NULL, "freed, the list is empty");

	const char *missing[] = {CT5N, "/nonexistent/ct-unit"};
	c = ct_headers_read(missing, 2, 2, 1, &hs);
	CHECK(c == CT_EDATA && strstr(ct_errmsg(), "/nonexistent/ct-unit") && hs.n == 0,
	      "a folder that cannot be read fails the call, naming it, nothing returned: %s", ct_errmsg());

	unlink(inside), rmdir(sub), unlink(dicomdir), unlink(link), unlink(cut), unlink(short_), unlink(readme), rmdir(dir);
	free(dicomdir), free(link), free(cut), free(short_), free(readme), free(sub), free(inside);
	return tap_done();
}
