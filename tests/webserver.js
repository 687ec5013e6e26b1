#!/usr/bin/env node
// tests/webserver.js: a small HTTP server on 127.0.0.1 standing in for Zenodo, the MSD bucket
// and raw.githubusercontent.com in the tests. Node only, no npm packages.
//
//   node webserver.js --root DIR --port-file FILE [--429 N] [--cut BYTES] [--rate BYTES_PER_S]
//
// Serves DIR: GET and HEAD, single byte ranges (206, Content-Range; 416 past the end),
// Content-Length, Accept-Ranges. Zenodo's shapes:
//   /api/records/<id>                     JSON built from the files in DIR/records/<id>/
//                                         ({"id", "files": [{"key", "size", "checksum": "md5:…",
//                                         "links": {"self": …}}]})
//   /records/<id>/files/<name>?download=1 the file DIR/records/<id>/<name>
// Faults: --429 N answers the first N requests for each path with 429 and "Retry-After: 1";
// --cut BYTES closes the connection after BYTES body bytes of the first full GET of each file;
// --rate sends file bodies no faster than BYTES_PER_S (so a test can interrupt a download).
// /_stats returns {"<path>": {"requests": n, "bytes": n}} (what was asked and sent).
// The chosen port is written to --port-file once listening.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const root = path.resolve(args.root || '.');
const fail429 = Number(args['429'] || 0);
const cut = Number(args.cut || 0);
const rate = Number(args.rate || 0);
const stats = {};
const cutDone = new Set();

function stat(p) { return stats[p] || (stats[p] = { requests: 0, bytes: 0 }); }

function md5(file) {
  return new Promise((resolve, reject) => {
    const h = crypto.createHash('md5');
    fs.createReadStream(file).on('data', (d) => h.update(d)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
  });
}

async function record(req, res, id) {
  const dir = path.join(root, 'records', id);
  if (!fs.existsSync(dir)) return send(res, 404, 'no such record\n');
  const base = `http://${req.headers.host}`;
  const files = [];
  for (const key of fs.readdirSync(dir).sort()) {
    const f = path.join(dir, key);
    files.push({ key, size: fs.statSync(f).size, checksum: 'md5:' + await md5(f),
      links: { self: `${base}/records/${id}/files/${encodeURIComponent(key)}?download=1` } });
  }
  const body = JSON.stringify({ id: Number(id), files });
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function send(res, code, text, headers) {
  res.writeHead(code, Object.assign({ 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) }, headers || {}));
  res.end(text);
}

function serveFile(req, res, file, key) {
  let st;
  try { st = fs.statSync(file); } catch (e) { return send(res, 404, 'not found\n'); }
  if (!st.isFile()) return send(res, 404, 'not found\n');
  const size = st.size;
  let start = 0, end = size - 1, code = 200;
  const headers = { 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || '');
  if (m) {
    if (m[1] === '') { start = Math.max(0, size - Number(m[2])); }
    else { start = Number(m[1]); if (m[2] !== '') end = Math.min(Number(m[2]), size - 1); }
    if (start >= size || start > end) return send(res, 416, 'range not satisfiable\n', { 'Content-Range': `bytes */${size}` });
    code = 206;
    headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  }
  headers['Content-Length'] = end - start + 1;
  res.writeHead(code, headers);
  if (req.method === 'HEAD') return res.end();
  const s = stat(key);
  let limit = Infinity;
  if (cut > 0 && code === 200 && !cutDone.has(key)) { cutDone.add(key); limit = cut; }
  const stream = fs.createReadStream(file, { start, end });
  let sent = 0;
  stream.on('data', (d) => {
    if (sent + d.length >= limit) {
      const part = d.subarray(0, limit - sent);
      s.bytes += part.length;
      stream.destroy();
      res.write(part, () => res.socket && res.socket.destroy());
      return;
    }
    sent += d.length;
    s.bytes += d.length;
    const ok = res.write(d);
    if (rate > 0) {
      stream.pause();
      setTimeout(() => (res.writableNeedDrain ? res.once('drain', () => stream.resume()) : stream.resume()), 1000 * d.length / rate);
    }
    else if (!ok) { stream.pause(); res.once('drain', () => stream.resume()); }
  });
  stream.on('end', () => res.end());
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy()); // the client went away: stop reading (and counting)
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = decodeURIComponent(url.pathname);
  if (p === '/_stats') return send(res, 200, JSON.stringify(stats), { 'Content-Type': 'application/json' });
  const s = stat(p);
  s.requests++;
  if (s.requests <= fail429) return send(res, 429, 'slow down\n', { 'Retry-After': '1' });
  let m;
  if ((m = /^\/api\/records\/(\d+)$/.exec(p))) return record(req, res, m[1]).catch(() => send(res, 500, 'error\n'));
  if ((m = /^\/records\/(\d+)\/files\/([^/]+)$/.exec(p))) return serveFile(req, res, path.join(root, 'records', m[1], m[2]), p);
  const file = path.join(root, p);
  if (!file.startsWith(root + path.sep)) return send(res, 403, 'forbidden\n');
  serveFile(req, res, file, p);
});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(args['port-file'] + '.tmp', String(server.address().port));
  fs.renameSync(args['port-file'] + '.tmp', args['port-file']);
});
process.on('SIGTERM', () => process.exit(0));
