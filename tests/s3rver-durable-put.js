// tests/s3rver-durable-put.js: preloaded into s3rver (node -r, see mirror.sh) so that a PUT is
// answered only once the object's bytes are on disk. s3rver 3.7.1 resolves its store's
// putObject when its MD5 transform has seen the body, while the write stream to the object
// file may still be pending: a GET or a listing right after the answer could meet a short
// object (seen under load: 1 in 9,000 PUTs answered before their bytes were written), and a
// test counting requests would see ct-fetch retry it. Here the store's putMetadata, which
// putObject calls next, first waits for that write stream to close.
'use strict';
const path = require('path');
const fs = require('fs-extra');
const Store = require('s3rver/lib/stores/filesystem');

const writing = new Map(); // object file -> promise of its write stream's end
const createWriteStream = fs.createWriteStream;
fs.createWriteStream = function (file, ...rest) {
  const stream = createWriteStream.call(this, file, ...rest);
  if (String(file).endsWith('._S3rver_object')) {
    const done = new Promise((resolve) => stream.on('close', resolve).on('error', resolve));
    writing.set(path.resolve(String(file)), done);
  }
  return stream;
};

const putMetadata = Store.prototype.putMetadata;
Store.prototype.putMetadata = async function (bucket, key, ...rest) {
  const file = path.resolve(this.getResourcePath(bucket, key, 'object'));
  const done = writing.get(file);
  if (done) {
    await done;
    writing.delete(file);
  }
  return putMetadata.call(this, bucket, key, ...rest);
};
