#!/usr/bin/env node
// tests/bqserver.js: a BigQuery stand-in on 127.0.0.1 for the tests: the two calls of the REST API
// that ct-bq makes, with BigQuery's JSON shapes and errors. Node only, no npm packages.
//
//   node bqserver.js --rows ROWS.json --port-file FILE [--token T] [--page N] [--pending K]
//                    [--fault SPEC]...
//
// ROWS.json: {"fields": ["name", ...], "rows": [["value" or null, ...], ...]}: the result of any query.
//   POST /bigquery/v2/projects/<p>/queries         jobs.query: {query, maxResults, requestId, ...}
//   GET  /bigquery/v2/projects/<p>/queries/<job>   jobs.getQueryResults: ?location=&pageToken=&maxResults=
// A job is complete after K polls (--pending K: the POST and the first K-1 GETs say
// jobComplete: false, the GETs after waiting a little, as BigQuery's long poll does). A page holds
// min(maxResults, --page) rows; pageTokens hold '+', '/' and '=' so they must be URL-encoded. A POST
// repeating a requestId joins the job it started. Every call needs "Authorization: Bearer T".
// Faults, SPEC = KIND[@FIRST][xCOUNT] (API calls numbered from 1 in arrival order; default every
// call from the first): 401, billing (403 billingNotEnabled), ratelimit (403 rateLimitExceeded),
// query-error (400 invalidQuery at a location), 503 (backendError), 429 (Retry-After: 1),
// total+1 (totalRows one more than the rows sent), drop (the connection closes, no answer),
// lose (a POST starts its job, then the connection closes: the answer is lost).
// /_stats: {"calls", "posts", "gets", "answers": {status: n}, "queries": [text], "requestIds": [],
//           "jobsCreated", "pageTokens": [as received], "maxResults": [], "locations": [],
//           "times": [ms since start, a call]}.
'use strict';
const http = require('http');
const fs = require('fs');

const args = { fault: [] };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, ''), v = process.argv[i + 1];
  if (k === 'fault') args.fault.push(v); else args[k] = v;
}
const data = JSON.parse(fs.readFileSync(args.rows, 'utf8'));
const token = args.token || 'test-token';
const pageMax = Number(args.page || 1e9);
const pending = Number(args.pending || 0);
const faults = args.fault.map((s) => {
  const m = /^([a-z0-9+-]+)(?:@(\d+))?(?:x(\d+))?$/.exec(s);
  if (!m) throw new Error('bad --fault ' + s);
  const first = Number(m[2] || 1);
  return { kind: m[1], first, last: m[3] ? first + Number(m[3]) - 1 : Infinity };
});
const stats = { calls: 0, posts: 0, gets: 0, answers: {}, queries: [], requestIds: [], jobsCreated: 0,
  pageTokens: [], maxResults: [], locations: [], times: [] };
const t0 = Date.now();
const jobs = {};
const byRequestId = {};

function send(res, code, obj, headers) {
  const body = JSON.stringify(obj);
  stats.answers[code] = (stats.answers[code] || 0) + 1;
  res.writeHead(code, Object.assign({ 'Content-Type': 'application/json; charset=UTF-8',
    'Content-Length': Buffer.byteLength(body) }, headers || {}));
  res.end(body);
}

// BigQuery's error body.
function error(res, code, status, reason, message, location, headers) {
  const e = { message, domain: 'global', reason };
  if (location) { e.location = location; e.locationType = 'parameter'; }
  send(res, code, { error: { code, message, errors: [e], status } }, headers);
}

function faultFor(n) {
  return faults.find((f) => n >= f.first && n <= f.last);
}

function answerFault(res, f) {
  switch (f.kind) {
    case '401': return error(res, 401, 'UNAUTHENTICATED', 'unauthorized',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    case 'billing': return error(res, 403, 'PERMISSION_DENIED', 'billingNotEnabled',
      'Billing has not been enabled for this project. Enable billing at https://console.cloud.google.com/billing.');
    case 'ratelimit': return error(res, 403, 'PERMISSION_DENIED', 'rateLimitExceeded',
      'Exceeded rate limits: too many api requests per user per method for this user_method.');
    case 'query-error': return error(res, 400, 'INVALID_ARGUMENT', 'invalidQuery',
      'Syntax error: Unexpected identifier "SELEC" at [1:1]', 'q');
    case '503': return error(res, 503, 'UNAVAILABLE', 'backendError', 'Error encountered during execution. Retrying may solve the problem.');
    case '429': return error(res, 429, 'RESOURCE_EXHAUSTED', 'rateLimitExceeded', 'Too many requests.', null, { 'Retry-After': '1' });
    case 'drop': return res.socket.destroy();
  }
  return null; // not an answer of its own (total+1, lose)
}

function tokenFor(offset) { return `p+/${offset}=`; }
function offsetOf(t) { const m = /^p\+\/(\d+)=$/.exec(t); return m ? Number(m[1]) : -1; }

function page(job, offset, maxResults, f) {
  const n = Math.min(maxResults || 1e9, pageMax);
  const rows = data.rows.slice(offset, offset + n).map((r) => ({ f: r.map((v) => ({ v })) }));
  const total = data.rows.length + (faults.some((x) => x.kind === 'total+1') ? 1 : 0);
  const out = { kind: 'bigquery#getQueryResultsResponse', etag: 'x', jobComplete: true,
    jobReference: { projectId: job.project, jobId: job.id, location: 'US' },
    schema: { fields: data.fields.map((name) => ({ name, type: 'STRING', mode: 'NULLABLE' })) },
    totalRows: String(total), totalBytesProcessed: '123456789', cacheHit: false };
  if (rows.length) out.rows = rows;
  if (offset + n < data.rows.length) out.pageToken = tokenFor(offset + n);
  return out;
}

function pendingAnswer(job) {
  return { kind: 'bigquery#getQueryResultsResponse', jobComplete: false,
    jobReference: { projectId: job.project, jobId: job.id, location: 'US' } };
}

function query(req, res, project, body, f) {
  let q;
  try { q = JSON.parse(body); } catch (e) { return error(res, 400, 'INVALID_ARGUMENT', 'invalid', 'Invalid JSON payload received.'); }
  stats.queries.push(q.query);
  stats.requestIds.push(q.requestId);
  stats.maxResults.push(q.maxResults);
  if (typeof q.query !== 'string' || q.useLegacySql !== false)
    return error(res, 400, 'INVALID_ARGUMENT', 'invalid', 'query and useLegacySql: false expected');
  let job = q.requestId && byRequestId[q.requestId];
  if (!job) {
    stats.jobsCreated++;
    job = { id: `job_${stats.jobsCreated}_x-Y`, project, polls: pending };
    jobs[job.id] = job;
    if (q.requestId) byRequestId[q.requestId] = job;
  }
  if (f && f.kind === 'lose') return res.socket.destroy();
  if (job.polls > 0) return send(res, 200, pendingAnswer(job));
  const out = page(job, 0, q.maxResults);
  out.kind = 'bigquery#queryResponse';
  send(res, 200, out);
}

function results(res, job, url) {
  const p = url.searchParams;
  stats.locations.push(p.get('location'));
  stats.maxResults.push(Number(p.get('maxResults')));
  if (p.has('pageToken')) stats.pageTokens.push(p.get('pageToken'));
  if (!job || p.get('location') !== 'US')
    return error(res, 404, 'NOT_FOUND', 'notFound', `Not found: Job ${url.pathname.split('/').pop()}`);
  if (job.polls > 0) {
    job.polls--;
    if (job.polls > 0) return setTimeout(() => send(res, 200, pendingAnswer(job)), 300);
  }
  const offset = p.has('pageToken') ? offsetOf(p.get('pageToken')) : 0;
  if (offset < 0) return error(res, 400, 'INVALID_ARGUMENT', 'invalid', 'Invalid page token.');
  send(res, 200, page(job, offset, Number(p.get('maxResults'))));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/_stats') return send(res, 200, stats);
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    const n = ++stats.calls;
    stats.times.push(Date.now() - t0);
    const f = faultFor(n);
    if (f && answerFault(res, f) !== null) return;
    if (req.headers.authorization !== `Bearer ${token}`)
      return error(res, 401, 'UNAUTHENTICATED', 'unauthorized', 'Request is missing required authentication credential.');
    let m;
    if (req.method === 'POST' && (m = /^\/bigquery\/v2\/projects\/([^/]+)\/queries$/.exec(url.pathname))) {
      stats.posts++;
      return query(req, res, decodeURIComponent(m[1]), body, f);
    }
    if (req.method === 'GET' && (m = /^\/bigquery\/v2\/projects\/([^/]+)\/queries\/([^/]+)$/.exec(url.pathname))) {
      stats.gets++;
      return results(res, jobs[decodeURIComponent(m[2])], url);
    }
    error(res, 404, 'NOT_FOUND', 'notFound', 'no such method');
  });
});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(args['port-file'] + '.tmp', String(server.address().port));
  fs.renameSync(args['port-file'] + '.tmp', args['port-file']);
});
process.on('SIGTERM', () => process.exit(0));
