/* headers.c: see headers.h. */
#include "headers.h"
#include "dicom.h"
#include "fs.h"
#include "par.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- listing the folders ----------------------------------------------------------------- */

static int by_path(const void *a, const void *b)
{
	return strcmp(((const ct_header *)a)->s.path, ((const ct_header *)b)->s.path);
}

/* One more header in hs, for path (taken). */
static ct_code add_file(ct_headers *hs, size_t *cap, char *path)
{
	if (hs->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		ct_header *h = realloc(hs->h, nc * sizeof *h);
		if (!h) {
			free(path);
			return ct_fail(CT_ENOMEM, "out of memory listing files");
		}
		hs->h = h, *cap = nc;
	}
	hs->h[hs->n++] = (ct_header){.s.path = path};
	return CT_OK;
}

/* The regular files at the top of dir (symlinks followed), by name, appended to hs. */
static ct_code list_dir(const char *dir, ct_headers *hs, size_t *cap)
{
	DIR *d = opendir(dir);
	if (!d)
		return ct_fail_errno(CT_EDATA, "%s", dir);
	size_t first = hs->n;
	struct dirent *e;
	ct_code c = CT_OK;
	while (!c && (e = readdir(d))) {
		char *p = ct_path_join(dir, e->d_name);
		struct stat st;
		if (!p)
			c = ct_fail(CT_ENOMEM, "%s: out of memory listing files", dir);
		else if (stat(p, &st) != 0 || !S_ISREG(st.st_mode))
			free(p);
		else
			c = add_file(hs, cap, p);
	}
	closedir(d);
	qsort(hs->h + first, hs->n - first, sizeof *hs->h, by_path);
	return c;
}

/* ---- reading one header ------------------------------------------------------------------ */

static int has_word(const char *list, const char *word)
{
	size_t w = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += w)
		if ((p == list || p[-1] == '\\') && (p[w] == 0 || p[w] == '\\'))
			return 1;
	return 0;
}

static int native(const char *ts)
{
	return !strcmp(ts, "1.2.840.10008.1.2") || !strcmp(ts, "1.2.840.10008.1.2.1") ||
	       !strcmp(ts, "1.2.840.10008.1.2.2");
}

/* The series' text, as written ("" when absent); what only describes it, with describe. */
static void read_text(const ct_dicom *d, ct_header *h, int describe)
{
	if (ct_dicom_text(d, CT_TAG(0x0008, 0x0016), h->sop_class, sizeof h->sop_class) <= 0)
		ct_dicom_text(d, CT_TAG(0x0002, 0x0002), h->sop_class, sizeof h->sop_class);
	ct_dicom_text(d, CT_TAG(0x0020, 0x000e), h->series_uid, sizeof h->series_uid);
	ct_dicom_text(d, CT_TAG(0x0008, 0x0008), h->image_type, sizeof h->image_type);
	h->localizer = has_word(h->image_type, "LOCALIZER");
	ct_dicom_text(d, CT_TAG(0x0008, 0x0060), h->modality, sizeof h->modality);
	if (!describe)
		return;
	ct_dicom_text(d, CT_TAG(0x0020, 0x0011), h->number, sizeof h->number);
	ct_dicom_text(d, CT_TAG(0x0008, 0x103e), h->description, sizeof h->description);
	ct_dicom_text(d, CT_TAG(0x0018, 0x1210), h->kernel, sizeof h->kernel);
	ct_dicom_text(d, CT_TAG(0x0018, 0x0010), h->contrast, sizeof h->contrast);
	ct_dicom_text(d, CT_TAG(0x0018, 0x0050), h->thickness_text, sizeof h->thickness_text);
}

/* The pixel and geometry values. */
static void read_numbers(const ct_dicom *d, ct_header *h)
{
	ct_slice *s = &h->s;
	double v[2];
	ct_dicom_text(d, CT_TAG(0x0002, 0x0010), s->ts, sizeof s->ts);
	s->native = native(s->ts);
	h->image = (s->rows = ct_dicom_int(d, CT_TAG(0x0028, 0x0010), 0)) > 0 &&
	           (s->cols = ct_dicom_int(d, CT_TAG(0x0028, 0x0011), 0)) > 0;
	s->bits = ct_dicom_int(d, CT_TAG(0x0028, 0x0100), 16);
	h->pixel_bytes = ct_dicom_pixel_bytes(d);
	s->pixel_offset = ct_dicom_pixel_offset(d);
	s->bits_stored = ct_dicom_int(d, CT_TAG(0x0028, 0x0101), s->bits);
	s->pixel_rep = ct_dicom_int(d, CT_TAG(0x0028, 0x0103), 0);
	s->samples = ct_dicom_int(d, CT_TAG(0x0028, 0x0002), 1);
	h->frames = ct_dicom_int(d, CT_TAG(0x0028, 0x0008), 1);
	h->has_ipp = ct_dicom_numbers(d, CT_TAG(0x0020, 0x0032), s->ipp, 3) == 3;
	h->has_iop = ct_dicom_numbers(d, CT_TAG(0x0020, 0x0037), s->iop, 6) == 6;
	h->has_ps = ct_dicom_numbers(d, CT_TAG(0x0028, 0x0030), s->ps, 2) == 2;
	h->has_thickness = ct_dicom_numbers(d, CT_TAG(0x0018, 0x0050), &s->thickness, 1) == 1;
	if (ct_dicom_numbers(d, CT_TAG(0x0018, 0x1120), &s->gantry_tilt, 1) != 1)
		s->gantry_tilt = 0;
	s->slope = ct_dicom_numbers(d, CT_TAG(0x0028, 0x1053), v, 1) == 1 && v[0] != 0 ? v[0] : 1;
	s->intercept = ct_dicom_numbers(d, CT_TAG(0x0028, 0x1052), v, 1) == 1 ? v[0] : 0;
}

static ct_code read_header(void *ctx, size_t i)
{
	const ct_headers *hs = ctx;
	ct_header *h = &hs->h[i];
	ct_dicom *d;
	if (ct_dicom_open(h->s.path, &d) != CT_OK) {
		ct_dicom_kind kind = ct_dicom_sniff(h->s.path);
		if (kind == CT_DICOM_NOT || kind == CT_DICOM_DICOMDIR)
			return CT_OK;
		/* DICOM (or unreadable), but no header to be had: the message is this thread's */
		h->unreadable = strdup(ct_errmsg());
		return h->unreadable ? CT_OK : ct_fail(CT_ENOMEM, "out of memory");
	}
	h->dicom = 1;
	read_text(d, h, hs->describe);
	read_numbers(d, h);
	ct_dicom_close(d);
	return CT_OK;
}

/* ---- the folders' headers ---------------------------------------------------------------- */

ct_code ct_headers_read(const char *const *dirs, size_t ndirs, int threads, int describe, ct_headers *out)
{
	*out = (ct_headers){.describe = describe};
	size_t cap = 0;
	ct_code c = CT_OK;
	for (size_t i = 0; !c && i < ndirs; i++)
		c = list_dir(dirs[i], out, &cap);
	ct_dicom_init();
	if (!c)
		c = ct_par_for(out->n, threads, read_header, out);
	if (c)
		ct_headers_free(out);
	return c;
}

void ct_headers_free(ct_headers *hs)
{
	for (size_t i = 0; i < hs->n; i++) {
		free(hs->h[i].s.path);
		free(hs->h[i].unreadable);
	}
	free(hs->h);
	*hs = (ct_headers){0};
}
