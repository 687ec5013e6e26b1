/* unpack.h: unpack a zip (ZIP64), tar or tar.gz through libarchive, safely and all at once.
 *
 * A zip is read through its central directory (libarchive's seekable reader, as unzip reads
 * it): one cut short, its end of central directory gone, is refused, and so is an entry whose
 * data ends before its declared size ("truncated").
 *
 * ct_unpack() writes every entry into a fresh temporary directory beside DIR and renames it
 * onto DIR only when the whole archive was read; an older DIR is replaced then, never before.
 * It refuses (CT_EDATA, "ARCHIVE: ENTRY: why", nothing left behind) an archive holding an
 * absolute path, a ".." segment, a symbolic or hard link that leads out of DIR, a device file,
 * a FIFO or a socket. macOS metadata (`__MACOSX/` and `._*` AppleDouble files) is skipped.
 * With CT_UNPACK_STRIP_TOP, an archive whose entries all sit under one top folder is unpacked
 * without that folder ("Dataset/s0001/ct.nii.gz" lands as DIR/s0001/ct.nii.gz).
 *
 * ct_archive_each() streams the regular files of an archive (an npz is a zip of .npy files)
 * to a callback, each as one buffer, without touching the disk.
 */
#ifndef CT_UNPACK_H
#define CT_UNPACK_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>

enum { CT_UNPACK_STRIP_TOP = 1 };

ct_code ct_unpack(const char *archive, const char *dir, unsigned flags);

/* Whether an archive member is macOS metadata that no dataset wants. */
bool ct_archive_is_macos_junk(const char *path);

/* data is malloc'd and the callback's to keep or free. */
typedef ct_code (*ct_member_fn)(const char *name, void *data, size_t len, void *arg);
/* Every regular file of the archive, in archive order; members larger than max bytes are
 * refused. Memory follows the bytes a member really holds, not the size its header claims. */
ct_code ct_archive_each(const char *archive, size_t max, ct_member_fn fn, void *arg);

#endif
