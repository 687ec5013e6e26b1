#!/usr/bin/env bash
# TLS is verified: s3rver over HTTPS with a certificate from a self-signed CA (made here with the
# openssl CLI) is accepted with --cacert or $CURL_CA_BUNDLE, and refused without them.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/mirror.sh"

cd "$T" || exit 1
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ctmake test CA" \
	-keyout ca.key -out ca.pem >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout srv.key -out srv.csr >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' > ext
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ext \
	-out srv.pem >/dev/null 2>&1
ok "a CA and a server certificate for 127.0.0.1" test -s srv.pem

port=$(free_port)
mkdir s3
NODE_OPTIONS=--openssl-legacy-provider "$TESTS/node_modules/.bin/s3rver" -d s3 -a 127.0.0.1 -p "$port" \
	-s --key srv.key --cert srv.pem --configure-bucket idc-open-data >s3rver.log 2>&1 &
S3_PID=$!
at_exit 'kill $S3_PID'
URL=https://127.0.0.1:$port
unset CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR
ok "s3rver answers over HTTPS" wait_for 20 curl -sf --cacert ca.pem "$URL/idc-open-data?list-type=2"
mkdir objs
for i in 1 2 3; do head -c 5000 /dev/urandom > objs/$i.dcm; curl -sf --cacert ca.pem -T objs/$i.dcm "$URL/idc-open-data/ser/$i.dcm"; done

ct-fetch --retries 1 --endpoint "$URL" s3://idc-open-data/ser/ none 2>err
is "$?" 1 "without the CA: refused, exit 1"
test -e none; is $? 1 "without the CA: nothing written, not even DIR"
ok "with --cacert: fetched" ct-fetch --cacert ca.pem --endpoint "$URL" s3://idc-open-data/ser/ dir
is "$(cat dir/1.dcm dir/2.dcm dir/3.dcm | md5sum)" "$(cat objs/1.dcm objs/2.dcm objs/3.dcm | md5sum)" "with --cacert: the bytes are right"
ok "with \$CURL_CA_BUNDLE: fetched" env CURL_CA_BUNDLE="$T/ca.pem" ct-fetch --endpoint "$URL" s3://idc-open-data/ser/ dir2
ok "--url over TLS with --cacert" ct-fetch --cacert ca.pem --url "$URL/idc-open-data/ser/2.dcm" --md5 "$(md5_of objs/2.dcm)" one.dcm
ct-fetch --url "$URL/idc-open-data/ser/2.dcm" --md5 "$(md5_of objs/2.dcm)" two.dcm 2>/dev/null
is "$?" 1 "--url over TLS without the CA: refused"
done_testing
