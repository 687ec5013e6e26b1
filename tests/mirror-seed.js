// tests/mirror-seed.js ENDPOINT BUCKET PREFIX DIR
// PUTs every regular file of DIR (not recursive) as BUCKET/PREFIX<name>, 16 at a time over
// kept-alive connections: seeding thousands of objects with one curl per file takes minutes.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

const [endpoint, bucket, prefix, dir] = process.argv.slice(2);
if (!dir) {
  console.error('usage: mirror-seed.js ENDPOINT BUCKET PREFIX DIR');
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const names = fs.readdirSync(dir).filter((n) => fs.statSync(path.join(dir, n)).isFile()).sort();

function put(name) {
  return new Promise((resolve, reject) => {
    const body = fs.readFileSync(path.join(dir, name));
    const key = (prefix + name).split('/').map(encodeURIComponent).join('/');
    const req = http.request(`${endpoint}/${bucket}/${key}`, {
      method: 'PUT', agent, headers: { 'Content-Length': body.length },
    }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() :
        reject(new Error(`PUT ${key}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

(async () => {
  let next = 0;
  const worker = async () => { while (next < names.length) await put(names[next++]); };
  await Promise.all(Array.from({ length: 16 }, worker));
  agent.destroy();
})().catch((e) => { console.error(`mirror-seed: ${e.message}`); process.exit(1); });
