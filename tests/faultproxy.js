// tests/faultproxy.js: an HTTP proxy that injects faults by rule and counts what it sends.
//
//   node tests/faultproxy.js UPSTREAM_URL PORT      (listens on 127.0.0.1:PORT; tests/faultproxy.sh
//                                                    starts and stops it: proxy_start, proxy_rule, ...)
// Every request not under /__proxy/ is forwarded to UPSTREAM_URL (s3rver or any plain HTTP
// server), same method, path, query, headers and body, and the answer is streamed back unless
// a rule says otherwise. No npm dependency: Node's http module only.
//
// Control API (same port):
//   POST   /__proxy/rules   body: one rule or an array of rules (JSON) -> {"ids":[...]}
//   DELETE /__proxy/rules   remove every rule
//   GET    /__proxy/stats   -> {"requests":{"GET /bucket/key":n,...},   (by method and path, no query)
//                              "bytes":{"/bucket/key":n,...},          (body bytes written to clients)
//                              "at":{"GET /bucket/key":[ms,...]},      (when each request came, Date.now())
//                              "total":{"requests":n,"bytes":n},
//                              "rules":[{...rule, "fired":n},...]}
//   POST   /__proxy/reset   remove every rule and zero every count
//   POST   /__proxy/reset?what=stats   zero the counts only (the rules stay)
//
// A rule: {"path": REGEX, "method": "GET", "action": ACTION, "times": N, ...}
//   path     JavaScript regular expression tested against the request path with its query
//            (e.g. "/idc-open-data/ser/0001\\.dcm$" or "list-type=2"); default: every path
//   method   default: every method
//   times    how many matching requests it applies to: 1 (default), N, or "always"
//   action   one of:
//     reset     forward, pass "after" body bytes (default 0), then reset the connection (RST)
//     truncate  forward, pass "after" body bytes, then close the connection cleanly (FIN) although
//               the promised Content-Length was not reached
//     stall     forward, pass "after" body bytes, then send nothing more; the connection stays
//               open for "seconds" (default: until the client gives up), then is destroyed
//     flip      forward, with the body byte at offset "at" (of this response's body) inverted
//     status    answer "status" (e.g. 503, 429, 500, 403, 404) without asking upstream, with
//               optional "retryAfter" (seconds, sent as Retry-After), "headers" and "body"
//               ("respond" is the same action: serve a fixed body, e.g. a hostile listing)
//     gcs       forward, and make the answer look like Google Cloud Storage: an object's hex-MD5
//               ETag becomes an opaque one and "x-goog-hash: crc32c=...,md5=<base64>" is added;
//               in a listing (XML), every ETag becomes that same opaque value.
//               gcs is a modifier: it applies together with one fault rule of another action.
// The first matching fault rule with times left fires (and counts one time); every matching gcs
// rule applies.
'use strict';
const http = require('http');

const [upstreamArg, portArg] = process.argv.slice(2);
if (!upstreamArg || !portArg) {
  console.error('usage: faultproxy.js UPSTREAM_URL PORT');
  process.exit(2);
}
const upstream = new URL(upstreamArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

let rules = [];
let nextId = 1;
let stats;
function zero() { stats = { requests: {}, bytes: {}, at: {}, total: { requests: 0, bytes: 0 } }; }
zero();

function addRule(r) {
  const rule = Object.assign({ times: 1, after: 0 }, r, { id: nextId++, fired: 0 });
  if (rule.times === 'always') rule.times = -1;
  rule.re = new RegExp(rule.path || '');
  rules.push(rule);
  return rule.id;
}

function matches(rule, req) {
  return (!rule.method || rule.method === req.method) && rule.re.test(req.url) && rule.times !== 0;
}

function fire(rule) {
  rule.fired++;
  if (rule.times > 0) rule.times--;
  return rule;
}

function pick(req) {
  const fault = rules.find((r) => r.action !== 'gcs' && matches(r, req));
  const gcs = rules.filter((r) => r.action === 'gcs' && matches(r, req)).map(fire);
  return { fault: fault ? fire(fault) : null, gcs: gcs.length > 0 };
}

function count(req, n) {
  const path = req.url.split('?')[0];
  stats.bytes[path] = (stats.bytes[path] || 0) + n;
  stats.total.bytes += n;
}

function opaque(md5hex) { return `CJ${md5hex.slice(0, 12)}EAE=`; }

function control(req, res) {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    let out = {};
    const what = `${req.method} ${req.url.split('?')[0]}`;
    try {
      if (what === 'POST /__proxy/rules') {
        const list = [].concat(JSON.parse(body));
        out = { ids: list.map(addRule) };
      } else if (what === 'DELETE /__proxy/rules') {
        rules = [];
      } else if (what === 'GET /__proxy/stats') {
        out = Object.assign({}, stats, {
          rules: rules.map((r) => Object.assign({}, r, { re: undefined })),
        });
      } else if (what === 'POST /__proxy/reset') {
        if (!/what=stats/.test(req.url)) rules = [];
        zero();
      } else {
        res.writeHead(404);
        res.end('unknown control request\n');
        return;
      }
    } catch (e) {
      res.writeHead(400);
      res.end(`${e.message}\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(out));
  });
}

// Answer without upstream (status / respond).
function answer(req, res, rule) {
  const body = Buffer.from(rule.body !== undefined ? String(rule.body) :
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>Injected${rule.status}</Code></Error>`);
  const headers = Object.assign({ 'Content-Type': 'application/xml', 'Content-Length': body.length },
    rule.retryAfter !== undefined ? { 'Retry-After': String(rule.retryAfter) } : {}, rule.headers || {});
  req.resume();
  res.writeHead(rule.status || 503, headers);
  count(req, body.length);
  res.end(body);
}

// Headers of an upstream answer made to look like GCS (for objects; listings are rewritten whole).
function gcsHeaders(headers) {
  const m = /^"?([0-9a-f]{32})"?$/.exec(headers.etag || '');
  if (!m) return;
  headers['x-goog-hash'] = `crc32c=AAAAAA==,md5=${Buffer.from(m[1], 'hex').toString('base64')}`;
  headers.etag = `"${opaque(m[1])}"`;
}

function gcsListing(text) {
  return text.replace(/<ETag>(?:&quot;|")([0-9a-f]{32})(?:&quot;|")<\/ETag>/g,
    (all, md5) => `<ETag>&quot;${opaque(md5)}&quot;</ETag>`);
}

// Pass body chunks to the client, applying the fault; returns false once the fault has ended it.
// send.full is true when the client's socket buffer is full (the caller then pauses upstream).
function makeSender(req, res, fault) {
  let sent = 0;
  let ended = false;
  const act = fault ? fault.action : null;
  const limit = act === 'reset' || act === 'truncate' || act === 'stall' ? fault.after : Infinity;
  const send = (chunk) => {
    if (ended) return false;
    if (act === 'flip' && fault.at >= sent && fault.at < sent + chunk.length) {
      chunk = Buffer.from(chunk);
      chunk[fault.at - sent] ^= 0xff;
    }
    const n = Math.min(chunk.length, limit - sent);
    if (n > 0) {
      send.full = !res.write(n === chunk.length ? chunk : chunk.subarray(0, n));
      count(req, n);
      sent += n;
    }
    if (sent >= limit) {
      ended = true;
      const sock = req.socket;
      if (act === 'reset') setImmediate(() => (sock.resetAndDestroy ? sock.resetAndDestroy() : sock.destroy()));
      else if (act === 'truncate') setImmediate(() => sock.end());
      else if (fault.seconds !== undefined) setTimeout(() => sock.destroy(), fault.seconds * 1000);
      return false;
    }
    return true;
  };
  send.full = false;
  return send;
}

function forward(req, res, fault, gcs) {
  const up = http.request({
    host: upstream.hostname, port: upstream.port || 80, method: req.method, path: req.url, agent,
    headers: Object.assign({}, req.headers, { host: upstream.host }),
  }, (ur) => {
    const headers = Object.assign({}, ur.headers);
    const isListing = gcs && /xml/.test(headers['content-type'] || '') && /list-type=2/.test(req.url);
    if (gcs && !isListing) gcsHeaders(headers);
    if (isListing) {
      const parts = [];
      ur.on('data', (d) => parts.push(d));
      ur.on('end', () => {
        const body = Buffer.from(gcsListing(Buffer.concat(parts).toString('utf8')));
        headers['content-length'] = body.length;
        res.writeHead(ur.statusCode, headers);
        makeSender(req, res, fault)(body);
        res.end();
      });
      return;
    }
    res.writeHead(ur.statusCode, headers);
    const send = makeSender(req, res, fault);
    // Stay at the upstream's pace without buffering a whole object.
    ur.on('data', (d) => {
      if (!send(d)) ur.destroy();
      else if (send.full) { ur.pause(); res.once('drain', () => ur.resume()); }
    });
    ur.on('end', () => res.end());
  });
  up.on('error', () => { if (!res.headersSent) { res.writeHead(502); res.end(); } else res.destroy(); });
  res.on('close', () => up.destroy());
  req.pipe(up);
}

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/__proxy/')) return control(req, res);
  const key = `${req.method} ${req.url.split('?')[0]}`;
  stats.requests[key] = (stats.requests[key] || 0) + 1;
  (stats.at[key] = stats.at[key] || []).push(Date.now());
  stats.total.requests++;
  const { fault, gcs } = pick(req);
  if (fault && (fault.action === 'status' || fault.action === 'respond')) return answer(req, res, fault);
  return forward(req, res, fault, gcs);
});
server.keepAliveTimeout = 30000;
server.on('clientError', (e, sock) => sock.destroy());
server.listen(Number(portArg), '127.0.0.1', () => console.log(`faultproxy listening on ${portArg}`));
process.on('SIGTERM', () => process.exit(0));
