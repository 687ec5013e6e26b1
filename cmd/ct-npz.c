/* ct-npz: a medmnist 3-D npz (OrganMNIST3D) as one NRRD per sample and a labels table. */
#include "cli.h"
#include "dirswap.h"
#include "fs.h"
#include "log.h"
#include "npy.h"
#include "nrrd.h"
#include "unpack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: ct-npz NPZ DIR\n"
"Unpack a medmnist 3-D npz (keys {train,val,test}_images: N x D x H x W uint8, and\n"
"{train,val,test}_labels: N or N x 1 integers) into DIR:\n"
"  DIR/<split>/<index>.nrrd   one gzip NRRD per sample (uint8, D x H x W, unit spacing),\n"
"                             index zero-padded to 5 digits, counted from 0 in each split\n"
"  DIR/labels.tsv             index, split, label, image (the NRRD's path under DIR)\n"
"DIR appears whole or not at all (built beside it, then renamed). The members are read into\n"
"memory, each at most 8 GiB; memory follows the bytes a member really holds, never the size\n"
"its header claims.\n"
"  -h, --help   this text\n"
"Exit status: 0 done, 1 bad input, 2 usage.\n";

static const char *const splits[] = {"train", "val", "test"};

typedef struct {
	char *name[16];
	void *data[16];
	size_t len[16];
	int n;
} members;

static ct_code keep(const char *name, void *data, size_t len, void *arg)
{
	members *m = arg;
	if (m->n == 16) {
		free(data);
		return ct_fail(CT_EDATA, "%s: more members than a medmnist npz holds", name);
	}
	m->name[m->n] = strdup(name);
	m->data[m->n] = data;
	m->len[m->n++] = len;
	return CT_OK;
}

static ct_code find(const members *m, const char *npz, const char *key, ct_npy *a)
{
	char want[64];
	snprintf(want, sizeof want, "%s.npy", key);
	for (int i = 0; i < m->n; i++)
		if (m->name[i] && !strcmp(m->name[i], want)) {
			char where[512];
			snprintf(where, sizeof where, "%s: %s", npz, want);
			return ct_npy_parse(m->data[i], m->len[i], where, a);
		}
	return ct_fail(CT_EDATA, "%s: no member %s", npz, want);
}

static ct_code write_split(const char *tmp, const char *split, const ct_npy *img, const ct_npy *lab, FILE *tsv)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", tmp, split);
	ct_code c = ct_mkdir_p(path, 0755);
	ct_nrrd h = {.type = CT_NRRD_UINT8, .dim = 3, .has_space = 1};
	h.sizes[0] = img->shape[3], h.sizes[1] = img->shape[2], h.sizes[2] = img->shape[1];
	for (int k = 0; k < 3; k++)
		h.directions[k][k] = 1;
	size_t vox = h.sizes[0] * h.sizes[1] * h.sizes[2];
	for (size_t i = 0; c == CT_OK && i < img->shape[0]; i++) {
		snprintf(path, sizeof path, "%s/%s/%05zu.nrrd", tmp, split, i);
		c = ct_nrrd_write(path, &h, img->data + i * vox);
		fprintf(tsv, "%zu\t%s\t%lld\t%s/%05zu.nrrd\n", i, split, (long long)ct_npy_int(lab, i), split, i);
	}
	return c;
}

static ct_code check_pair(const char *npz, const char *split, const ct_npy *img, const ct_npy *lab)
{
	if (img->ndim != 4 || img->item != 1 || img->is_signed)
		return ct_fail(CT_EDATA, "%s: %s_images is not N x D x H x W uint8", npz, split);
	if (lab->count != img->shape[0] || lab->ndim < 1 || lab->shape[0] != img->shape[0])
		return ct_fail(CT_EDATA, "%s: %s_labels has %zu values for %zu images", npz, split, lab->count, img->shape[0]);
	return CT_OK;
}

static ct_code unpack_npz(const char *npz, const members *m, const char *tmp)
{
	char *tsvpath = ct_path_join(tmp, "labels.tsv");
	FILE *tsv = tsvpath ? fopen(tsvpath, "w") : NULL;
	ct_code c = tsv ? CT_OK : ct_fail_errno(CT_EIO, "%s: cannot create", tsvpath ? tsvpath : tmp);
	if (tsv)
		fputs("index\tsplit\tlabel\timage\n", tsv);
	for (int s = 0; c == CT_OK && s < 3; s++) {
		char key[32];
		ct_npy img, lab;
		snprintf(key, sizeof key, "%s_images", splits[s]);
		if ((c = find(m, npz, key, &img)))
			break;
		snprintf(key, sizeof key, "%s_labels", splits[s]);
		if ((c = find(m, npz, key, &lab)) || (c = check_pair(npz, splits[s], &img, &lab)))
			break;
		c = write_split(tmp, splits[s], &img, &lab, tsv);
	}
	if (tsv && (ferror(tsv) | fclose(tsv)) && c == CT_OK)
		c = ct_fail_errno(CT_EIO, "%s: write failed", tsvpath);
	free(tsvpath);
	return c;
}

int main(int argc, char **argv)
{
	ct_cli_start(argc, argv, "ct-npz", usage);
	static const struct option none[] = {{0, 0, 0, 0}};
	while (ct_getopt(argc, argv, "", none) != -1)
		; /* no options: ct_getopt refuses any */
	if (argc - optind != 2)
		ct_usage_error("expected NPZ and DIR");
	const char *npz = argv[optind], *dir = argv[optind + 1];
	members m = {0};
	ct_code c = ct_archive_each(npz, (size_t)8 << 30, keep, &m);
	char *tmp = NULL;
	if (c == CT_OK && !(tmp = ct_dir_temp_beside(dir)))
		c = ct_fail_errno(CT_EIO, "%s: cannot create a directory beside it", dir);
	if (c == CT_OK)
		c = unpack_npz(npz, &m, tmp);
	if (c == CT_OK)
		c = ct_dir_publish(tmp, dir);
	if (tmp)
		ct_remove_tree(tmp);
	free(tmp);
	for (int i = 0; i < m.n; i++)
		free(m.name[i]), free(m.data[i]);
	ct_exit(c);
}
