#!/usr/bin/env bash
# Without MANIFEST, make pretrain-data fetches CT-FM's manifest.txt from the pinned commit under
# GITHUB_RAW_URL and verifies it by its git blob id before planning anything: a manifest that
# does not match the pin is refused and nothing is planned or fetched.
. "$(dirname "$0")/../lib.sh"
MIRROR_BUCKETS="idc-open-data idc-open-data-two idc-open-data-cr project-lighter"
. "$TESTS/pretrain.sh"

pretrain_world || { fail "local IDC world"; done_testing; exit; }
commit=$(sed -n 's/^CTFM_COMMIT *:= *//p' "$TOP/mk/pretrain.mk")
mirror_put project-lighter "CT-FM/$commit/notebooks/data-download/manifest.txt" "$T/manifest.txt"
pin=$(git hash-object "$T/manifest.txt")
is "$(cut -d' ' -f1 "$TOP/checksums/ct-fm-manifest.gitblob")" 1a6d1ccea51611d036106faad4b39e01b4d11401 \
   "the shipped pin is the git blob id of CT-FM's manifest.txt at the pinned commit"

run() { make --no-print-directory -C "$TOP" pretrain-data DATA="$T/data" GITHUB_RAW_URL="$MIRROR_URL" \
	IDC_ENDPOINT="$PROXY_URL" -j2 "$@" >"$T/make.log" 2>&1; }
ok_fails "a manifest that does not match the pin is refused" 2 run CTFM_MANIFEST_PIN=1a6d1ccea51611d036106faad4b39e01b4d11401
ok "nothing stands under the manifest's name, nothing was planned" \
	test ! -e "$T/data/pretrain/ct-fm-manifest.txt" -a ! -e "$T/data/pretrain/plans/all.mk"
is "$(proxy_sum requests .)" 0 "and no series was asked for"
ok "with the manifest's own pin, the pipeline runs from it" run CTFM_MANIFEST_PIN="$pin"
is "$(git hash-object "$T/data/pretrain/ct-fm-manifest.txt")" "$pin" "the fetched manifest is the pinned one"
is "$(pkl_rel "$T/data" | wc -l)" 4 "and its four series are in the pickle"
done_testing
