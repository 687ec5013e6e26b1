/* tests/fuzz/fuzz.h: what the libFuzzer harnesses share (tests/fuzz/README.md).
 *
 * Each harness tests/fuzz/NAME.c defines LLVMFuzzerTestOneInput() over one parser that a remote
 * or user file reaches. `make fuzz` links it with libFuzzer (clang, ASan + UBSan); `make check`
 * links the same file with replay.c and the normal build, and runs it over the inputs kept in
 * tests/fuzz/regress/NAME/ (every crash found once).
 */
#ifndef CT_FUZZ_H
#define CT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A scratch directory of this process, made at the first call, removed at exit. */
const char *fuzz_dir(void);
/* Write data to fuzz_dir()/rel (parents made), replacing it; returns the path (malloc'd). */
char *fuzz_file(const char *rel, const uint8_t *data, size_t size);
/* Empty fuzz_dir()/rel (a directory), or remove it. */
void fuzz_clear(const char *rel);
/* data as a NUL-terminated string (malloc'd; it ends at data's first NUL, if any). */
char *fuzz_text(const uint8_t *data, size_t size);
/* The input as up to max files in the emptied folder fuzz_dir()/rel, named IM0.dcm, IM1.dcm,
 * ..., split at the 8-byte separator "\0CTFILE\0" (how the seeds join a series); returns the
 * folder's path (malloc'd). */
char *fuzz_files(const char *rel, const uint8_t *data, size_t size, int max);

#endif
