#!/usr/bin/env bash
# Over TLS, a server that offers HTTP/2 gets HTTP/2: every request of a ct-fetch run (listing and
# objects) arrives as HTTP/2, multiplexed over few connections. The server is Node's own http2
# module (with HTTP/1.1 allowed too, so the client chooses), serving a directory as a bucket.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/fetchworld.sh"

make_tls_cert "$T"
mkdir "$T/objs"
for i in $(seq -w 1 40); do head -c 30000 /dev/urandom > "$T/objs/$i.dcm"; done
port=$(free_port)
cat > "$T/h2.js" <<'JS'
const http2 = require('http2'), fs = require('fs'), path = require('path'), crypto = require('crypto');
const [key, cert, dir, port, log] = process.argv.slice(2);
const md5 = (b) => crypto.createHash('md5').update(b).digest('hex');
const server = http2.createSecureServer(
  { key: fs.readFileSync(key), cert: fs.readFileSync(cert), allowHTTP1: true }, (req, res) => {
    fs.appendFileSync(log, `${req.httpVersion} ${req.url}\n`);
    const u = new URL(req.url, 'https://127.0.0.1');
    if (u.pathname === '/b' && u.searchParams.get('list-type') === '2') {
      const items = fs.readdirSync(dir).sort().map((n) => {
        const b = fs.readFileSync(path.join(dir, n));
        return `<Contents><Key>ser/${n}</Key><Size>${b.length}</Size><ETag>&quot;${md5(b)}&quot;</ETag></Contents>`;
      });
      res.writeHead(200, { 'content-type': 'application/xml' });
      return res.end(`<ListBucketResult><IsTruncated>false</IsTruncated>${items.join('')}</ListBucketResult>`);
    }
    const m = /^\/b\/ser\/([0-9]+\.dcm)$/.exec(u.pathname);
    if (!m) { res.writeHead(404); return res.end(); }
    const b = fs.readFileSync(path.join(dir, m[1]));
    res.writeHead(200, { 'content-length': b.length, etag: `"${md5(b)}"` });
    res.end(b);
  });
server.on('connection', () => fs.appendFileSync(`${log}.connections`, 'c\n'));
server.listen(Number(port), '127.0.0.1');
JS
node "$T/h2.js" "$T/srv.key" "$T/srv.pem" "$T/objs" "$port" "$T/requests" 2>"$T/h2.err" &
H2=$!
at_exit 'kill $H2'
wait_for 20 curl -sf --cacert "$T/ca.pem" -o /dev/null "https://127.0.0.1:$port/b/ser/01.dcm" || { fail "HTTP/2 server starts"; done_testing; exit; }
rm -f "$T/requests" "$T/requests.connections"

ok "fetched from an HTTP/2 server" ct-fetch --cacert "$T/ca.pem" --endpoint "https://127.0.0.1:$port" s3://b/ser/ "$T/dir"
ok "the bytes are right" same_tree "$T/objs" "$T/dir"
is "$(cut -d' ' -f1 "$T/requests" | sort | uniq -c | awk '{print $2 ":" $1}')" "2.0:41" "all 41 requests (listing + 40 objects) were HTTP/2"
ok "multiplexed: at most 2 connections ($(wc -l < "$T/requests.connections"))" test "$(wc -l < "$T/requests.connections")" -le 2
done_testing
