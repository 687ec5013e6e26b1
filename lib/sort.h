/* sort.h: DICOM files into a tree named by their tags (dicomsort, done right).
 *
 * ct_sort() walks SOURCE (recursively; symlinked files followed, symlinked directories not,
 * TARGET skipped when it lies inside SOURCE), reads each file's header only (on several
 * threads), names it by the pattern (lib/pattern.h) and places it under TARGET: a hard link by
 * default (a copy when TARGET is on another file system), or a symlink, a copy or a move.
 * Files are placed in the sorted order of their source paths, so a run is reproducible.
 * It never aborts half-way and never overwrites: when the target name exists with identical
 * content the file is counted as "same" (a re-run does nothing); with other content it gets
 * the first free name "<name>-<k><.ext>" and a warning line. Non-DICOM files, unreadable files
 * and DICOMDIRs are skipped and counted; files and directories whose name starts with '.'
 * (ct-fetch's records, hidden files) are not read at all. Copies are written under a temporary
 * name and linked into place, so a target name only ever holds a whole file.
 */
#ifndef CT_SORT_H
#define CT_SORT_H

#include "err.h"

#include <stddef.h>

typedef enum { CT_PLACE_LINK, CT_PLACE_SYMLINK, CT_PLACE_COPY, CT_PLACE_MOVE } ct_place_mode;

typedef struct {
	ct_place_mode mode;
	const char *keep_chars;  /* characters exempt from replacement (never '/') */
	/* Records of the run, each written atomically (temporaries a killed earlier run left of them
	 * are removed first: one writer of each). */
	const char *list_path;   /* when set: SOURCE<TAB>TARGET<TAB>ACTION per input file */
	const char *series_dir_path; /* when set: the one directory every placed file went to, a
	                              * line (removed first); CT_EDATA when the files went to several
	                              * directories or none */
	int threads;             /* header-reading threads; 0: one per CPU */
} ct_sort_opts;

typedef struct {
	size_t files, linked, copied, moved, symlinked, same, renamed;
	size_t not_dicom, dicomdir, unreadable, failed;
} ct_sort_stats;

/* CT_EUSAGE for a bad pattern, CT_EDATA when SOURCE cannot be read (or, with series_dir_path,
 * the files are not in one directory), CT_EIO when some files could not be placed (every other
 * file still was); CT_OK otherwise, skipped files included. */
ct_code ct_sort(const char *source, const char *target_pattern, const ct_sort_opts *o,
                ct_sort_stats *st);

#endif
