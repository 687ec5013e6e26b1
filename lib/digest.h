/* digest.h: MD5, SHA-1, SHA-256 and git blob ids through OpenSSL, streaming.
 *
 * A digest is fed in pieces (ct_digest_update) as bytes arrive, so a download is verified
 * without reading the file twice. Hex output is lower case. A git blob id is the SHA-1 of
 * "blob <size>\0" followed by the content: the size must be known before the first byte.
 */
#ifndef CT_DIGEST_H
#define CT_DIGEST_H

#include "err.h"

#include <stddef.h>
#include <stdint.h>

typedef enum { CT_MD5, CT_SHA1, CT_SHA256, CT_GITBLOB } ct_digest_kind;

#define CT_HEX_MAX 65 /* SHA-256 hex + NUL */

typedef struct {
	void *ctx; /* EVP_MD_CTX */
	ct_digest_kind kind;
} ct_digest;

ct_code ct_digest_init(ct_digest *d, ct_digest_kind kind, uint64_t gitblob_size);
void ct_digest_update(ct_digest *d, const void *buf, size_t len);
/* Writes the hex digest and frees the context. */
void ct_digest_final(ct_digest *d, char hex[CT_HEX_MAX]);
void ct_digest_free(ct_digest *d);

/* Feed bytes [from, to) of the open file fd into d (path names it in errors). */
ct_code ct_digest_update_fd(ct_digest *d, int fd, uint64_t from, uint64_t to, const char *path);
/* Digest of a whole file. */
ct_code ct_digest_file(const char *path, ct_digest_kind kind, char hex[CT_HEX_MAX]);
/* Hex length of a kind's digest (32, 40 or 64). */
size_t ct_digest_hexlen(ct_digest_kind kind);
/* Parse "md5", "sha1", "sha256", "sha1-gitblob"; -1 if unknown. */
int ct_digest_kind_parse(const char *name);
const char *ct_digest_kind_name(ct_digest_kind kind);
/* hex is exactly hexlen(kind) hex digits (either case). */
int ct_digest_hex_valid(ct_digest_kind kind, const char *hex);
/* Base64 (as in GCS x-goog-hash md5=...) to lower-case hex; 0 on success. */
int ct_base64_to_hex(const char *b64, char *hex, size_t hexcap);

#endif
