# tests/mirror.sh: a local IDC mirror (s3rver, a real S3 implementation) on 127.0.0.1.
#
#   . "$TESTS/mirror.sh"
#   mirror_start                 # sets MIRROR_URL; stopped by at_exit
#   mirror_put BUCKET KEY FILE   # one unsigned PUT
#   mirror_seed BUCKET PREFIX DIR   # every file in DIR as PREFIX<name>, 16 at a time
# Buckets: the three IDC buckets on AWS (set MIRROR_BUCKETS before sourcing for others).
MIRROR_BUCKETS=${MIRROR_BUCKETS:-"idc-open-data idc-open-data-two idc-open-data-cr"}

mirror_start() {
	[ -x "$TESTS/node_modules/.bin/s3rver" ] || { echo "s3rver missing: run 'make check' (npm ci in tests/)" >&2; return 1; }
	local dir=$T/s3rver port args="" b
	mkdir -p "$dir"
	port=$(free_port)
	for b in $MIRROR_BUCKETS; do args="$args --configure-bucket $b"; done
	# Node 20 needs the legacy provider for s3rver's continuation-token cipher (SOURCES.md);
	# s3rver-durable-put.js makes a PUT answer wait for the object's bytes to be written.
	NODE_OPTIONS="--openssl-legacy-provider --require $TESTS/s3rver-durable-put.js" "$TESTS/node_modules/.bin/s3rver" \
		-d "$dir" -a 127.0.0.1 -p "$port" -s $args >"$T/s3rver.log" 2>&1 &
	MIRROR_PID=$!
	at_exit "mirror_stop"
	MIRROR_URL=http://127.0.0.1:$port
	export MIRROR_URL
	wait_for 20 curl -sf "$MIRROR_URL/idc-open-data?list-type=2&max-keys=1" || {
		cat "$T/s3rver.log" >&2; return 1; }
}

mirror_stop() {
	[ -n "${MIRROR_PID:-}" ] && kill "$MIRROR_PID" 2>/dev/null && wait "$MIRROR_PID" 2>/dev/null
	MIRROR_PID=""
}

mirror_put() {
	curl -sf -o /dev/null -T "$3" "$MIRROR_URL/$1/$2"
}

mirror_seed() {
	node "$TESTS/mirror-seed.js" "$MIRROR_URL" "$1" "$2" "$3"
}
