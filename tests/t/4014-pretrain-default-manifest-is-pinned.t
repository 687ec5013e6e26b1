#!/usr/bin/env bash
# Without MANIFEST, make pretrain-data fetches CT-FM's manifest.txt from CT-FM's pinned commit
# (f58c89a, SOURCES.md) under GITHUB_RAW_URL and verifies it against the pin shipped in
# checksums/ct-fm-manifest.gitblob before planning anything: a served manifest whose git blob id
# is not the pin's is refused, whole, and nothing is planned or fetched; with a pins folder
# (CHECKSUMS) whose ct-fm-manifest.gitblob holds the served file's blob id, the same manifest is
# used.
. "$(dirname "$0")/../lib.sh"
MIRROR_BUCKETS="idc-open-data idc-open-data-two idc-open-data-cr project-lighter"
. "$TESTS/pretrain.sh"

pretrain_world || { fail "local IDC world"; done_testing; exit; }
url_path=/project-lighter/CT-FM/f58c89a75ff0270ba6e339027e40bf04a221735d/notebooks/data-download/manifest.txt
mirror_put project-lighter "${url_path#/project-lighter/}" "$T/manifest.txt"
shipped=$(cut -d' ' -f1 "$TOP/checksums/ct-fm-manifest.gitblob")
served=$(git hash-object "$T/manifest.txt")
isnt "$served" "$shipped" "the served manifest is not CT-FM's (its blob id differs from the shipped pin)"

# --retries 0: a digest mismatch is not retried, so the refusal comes at once.
run() { make --no-print-directory -C "$TOP" pretrain-data DATA="$T/data" GITHUB_RAW_URL="$PROXY_URL" \
	IDC_ENDPOINT="$PROXY_URL" FETCH_FLAGS="--retries 0" -j2 "$@" >"$T/make.log" 2>&1; }
ok_fails "with the shipped pin, the served manifest is refused (make exits 2)" 2 run
is "$(proxy_sum requests "^GET $url_path\$")" 1 "it was asked for at CT-FM's pinned commit's raw URL"
is "$(proxy_sum bytes "^$url_path\$")" "$(wc -c < "$T/manifest.txt")" "and arrived whole: refused by its digest"
ok "the error names the shipped pin" grep -q "$shipped" "$T/make.log"
ok "nothing stands under the manifest's name, nothing was planned" \
	test ! -e "$T/data/pretrain/ct-fm-manifest.txt" -a ! -e "$T/data/pretrain/plans/all.mk"
is "$(proxy_sum requests '^GET /idc-open-data')" 0 "and no series was asked for"

mkdir -p "$T/pins"
printf '%s  notebooks/data-download/manifest.txt\n' "$served" > "$T/pins/ct-fm-manifest.gitblob"
proxy_reset stats
ok "with CHECKSUMS pinning the served file's blob id, the pipeline runs from it" run CHECKSUMS="$T/pins"
is "$(proxy_sum requests "^GET $url_path\$")" 1 "fetched from the same URL"
is "$(git hash-object "$T/data/pretrain/ct-fm-manifest.txt")" "$served" "the manifest on disk is the pinned one"
is "$(pkl_rel "$T/data" | wc -l)" 4 "and its four series are in the pickle"
done_testing
