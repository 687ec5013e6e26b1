/* scanfiles.h: what the pipeline's per-scan files under DATA/pretrain say.
 *
 * Layout (mk/pretrain.mk): dicom/<uuid>/.verified (ct-fetch's record: a "#" line, then
 * NAME TAB SIZE TAB MD5 TAB HOW), dicom/<uuid>/.scandir (the scan's directory),
 * records/<uuid>.tsv (its metadata row), failed/<uuid>.tsv (scan TAB step TAB reason).
 */
#ifndef CT_SCANFILES_H
#define CT_SCANFILES_H

/* Total bytes a scan's .verified record lists; 0 when there is none. */
unsigned long long ct_scan_dicom_bytes(const char *dir, const char *uuid);

#endif
