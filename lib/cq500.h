/* cq500.h: CQ500's reads.csv (three radiologists' findings for each patient) as one label row
 * a patient.
 *
 * reads.csv has the columns name (CQ500-CT-<N>), Category, then R<k>:<finding> (reader k's 0/1
 * for a finding; an empty cell counts as 0, any other non-number is an error). Each patient
 * becomes a row
 *   name  dir  label  <finding>...
 * dir is the patient folder CT-FM's loader expects ('CQ500CT<N> CQ500CT<N>'); label CT-FM's:
 * 1 (abnormal) when any reader marked any finding (as its get_cq500_datalist does with pandas
 * any()), else 0; then a column per finding (in R1's order): 1 when more than half of the
 * readers who have a column for it marked it, else 0. A name not CQ500-CT-<N>, a name twice, a
 * column that is not R<k>:<finding>, more than 64 findings or 16 readers of one are errors
 * naming the file (and line).
 */
#ifndef CT_CQ500_H
#define CT_CQ500_H

#include "err.h"
#include "table.h"

#include <stdio.h>

/* The label rows of reads (read from path, which names it in messages), header first, to out. */
ct_code ct_cq500_labels(const ct_table *reads, const char *path, FILE *out);

#endif
