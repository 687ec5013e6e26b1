# tests/fetchworld.sh: the world of the ct-fetch tests (after tests/lib.sh).
#
#   fetch_world COUNT SIZE [PREFIX]   # COUNT random objects of SIZE bytes in $T/objs
#                                     # (NNNNN.dcm), seeded under idc-open-data/PREFIX (default
#                                     # ser/), s3rver started, the fault proxy in front:
#                                     # MIRROR_URL, PROXY_URL, SRC=s3://idc-open-data/PREFIX
#   same_tree A B                     # every file of A (not hidden) is in B with the same bytes
#   object_gets [REGEX]               # object GETs the proxy saw (not listings)
. "$TESTS/mirror.sh"
. "$TESTS/faultproxy.sh"

fetch_world() {
	local count=$1 size=$2 prefix=${3:-ser/}
	mkdir -p "$T/objs"
	"$PYTHON" - "$T/objs" "$count" "$size" <<'PY'
import os, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(1, n + 1):
    with open(os.path.join(d, "%05d.dcm" % i), "wb") as f:
        f.write(os.urandom(size))
PY
	mirror_start || return 1
	mirror_seed idc-open-data "$prefix" "$T/objs" || return 1
	proxy_start "$MIRROR_URL" || return 1
	SRC=s3://idc-open-data/$prefix
}

same_tree() {
	[ "$(cd "$1" && md5sum -- * | md5sum)" = "$(cd "$2" && md5sum -- * | md5sum)" ]
}

object_gets() {
	proxy_sum requests "^GET /idc-open-data/.*${1:-}"
}
