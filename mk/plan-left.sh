#!/bin/sh
# mk/plan-left.sh PLAN.tsv DIR: how many scans of the plan (ct-plan --tsv, a header line first)
# are not done, i.e. have no record DIR/records/<uuid>.tsv yet. Reads files only.
tail -n +2 "$1" | cut -f1 | while read -r scan; do
	[ -e "$2/records/$scan.tsv" ] || echo "$scan"
done | wc -l
