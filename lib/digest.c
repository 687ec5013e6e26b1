/* digest.c: see digest.h. */
#include "digest.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Fetched once: OpenSSL 3 looks an algorithm up in its providers on every implicit use
 * (EVP_md5() and the like), which costs more than hashing a UUID. */
static EVP_MD *fetched[3];
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_all(void)
{
	fetched[0] = EVP_MD_fetch(NULL, "MD5", NULL);
	fetched[1] = EVP_MD_fetch(NULL, "SHA1", NULL);
	fetched[2] = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *md_of(ct_digest_kind kind)
{
	pthread_once(&fetch_once, fetch_all);
	switch (kind) {
	case CT_MD5: return fetched[0] ? fetched[0] : EVP_md5();
	case CT_SHA256: return fetched[2] ? fetched[2] : EVP_sha256();
	default: return fetched[1] ? fetched[1] : EVP_sha1();
	}
}

ct_code ct_digest_init(ct_digest *d, ct_digest_kind kind, uint64_t gitblob_size)
{
	d->kind = kind;
	d->ctx = EVP_MD_CTX_new();
	if (!d->ctx || !EVP_DigestInit_ex(d->ctx, md_of(kind), NULL)) {
		ct_digest_free(d);
		return ct_fail(CT_ENOMEM, "digest: cannot initialise %s", ct_digest_kind_name(kind));
	}
	if (kind == CT_GITBLOB) {
		char head[40];
		int n = snprintf(head, sizeof head, "blob %llu", (unsigned long long)gitblob_size);
		EVP_DigestUpdate(d->ctx, head, (size_t)n + 1); /* with the NUL */
	}
	return CT_OK;
}

void ct_digest_update(ct_digest *d, const void *buf, size_t len)
{
	EVP_DigestUpdate(d->ctx, buf, len);
}

void ct_digest_final(ct_digest *d, char hex[CT_HEX_MAX])
{
	unsigned char raw[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_DigestFinal_ex(d->ctx, raw, &n);
	for (unsigned i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", raw[i]);
	hex[2 * n] = 0;
	ct_digest_free(d);
}

void ct_digest_free(ct_digest *d)
{
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
}

ct_code ct_digest_update_fd(ct_digest *d, int fd, uint64_t from, uint64_t to, const char *path)
{
	static _Thread_local unsigned char buf[1 << 16];
	while (from < to) {
		size_t want = to - from < sizeof buf ? (size_t)(to - from) : sizeof buf;
		ssize_t r = pread(fd, buf, want, (off_t)from);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? ct_fail_errno(CT_EIO, "%s: read failed", path)
			             : ct_fail(CT_EIO, "%s: shorter than %" PRIu64 " bytes", path, to);
		ct_digest_update(d, buf, (size_t)r);
		from += (uint64_t)r;
	}
	return CT_OK;
}

ct_code ct_digest_file(const char *path, ct_digest_kind kind, char hex[CT_HEX_MAX])
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		ct_code c = ct_fail_errno(CT_EIO, "%s: cannot open", path);
		if (fd >= 0)
			close(fd);
		return c;
	}
	ct_digest d;
	ct_code c = ct_digest_init(&d, kind, (uint64_t)st.st_size);
	if (!c && (c = ct_digest_update_fd(&d, fd, 0, (uint64_t)st.st_size, path)))
		ct_digest_free(&d);
	close(fd);
	if (!c)
		ct_digest_final(&d, hex);
	return c;
}

size_t ct_digest_hexlen(ct_digest_kind kind)
{
	return kind == CT_MD5 ? 32 : kind == CT_SHA256 ? 64 : 40;
}

static const char *names[] = {"md5", "sha1", "sha256", "sha1-gitblob"};

int ct_digest_kind_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

const char *ct_digest_kind_name(ct_digest_kind kind)
{
	return names[kind];
}

int ct_digest_hex_valid(ct_digest_kind kind, const char *hex)
{
	size_t n = strlen(hex);
	if (n != ct_digest_hexlen(kind))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)hex[i]))
			return 0;
	return 1;
}

int ct_base64_to_hex(const char *b64, char *hex, size_t hexcap)
{
	unsigned char raw[96];
	size_t len = strlen(b64);
	if (len == 0 || len % 4 || len / 4 * 3 > sizeof raw)
		return -1;
	int n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)len);
	if (n < 0)
		return -1;
	/* EVP_DecodeBlock counts the padding bytes too. */
	if (len >= 1 && b64[len - 1] == '=')
		n--;
	if (len >= 2 && b64[len - 2] == '=')
		n--;
	if ((size_t)n * 2 + 1 > hexcap)
		return -1;
	for (int i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", raw[i]);
	hex[2 * n] = 0;
	return 0;
}
