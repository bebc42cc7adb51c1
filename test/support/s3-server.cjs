/**
 * An S3-compatible server for the tests (a fixture, not a product dependency): s3rver, on a free
 * port of 127.0.0.1, with its objects in the folder given as the first argument and the bucket
 * named by S3_TEST_BUCKET created at start. Prints `{"port":N}` once listening.
 *
 * s3rver 3.7.1 checks only that a SigV4 request names a known access key ("Signature version 4
 * calculation is unimplemented", lib/middleware/authentication.js), so a wrong secret would go
 * unnoticed. The middleware below checks the header signature the way S3 does (canonical request,
 * string to sign, the HMAC chain), against S3_TEST_SECRET, before s3rver sees the request: a
 * client that signs wrongly is refused with 403 SignatureDoesNotMatch, as by a real server. The
 * payload hash is taken as the client states it (the tests compare the bytes end to end).
 */
'use strict';

const { createHash, createHmac } = require('node:crypto');
const S3rver = require('s3rver');

const ACCESS_KEY_ID = 'S3RVER'; // the one account s3rver knows
const secret = process.env.S3_TEST_SECRET;
const bucket = process.env.S3_TEST_BUCKET;
if (!secret || !bucket || !process.argv[2]) {
  process.stderr.write('usage: S3_TEST_SECRET=… S3_TEST_BUCKET=… bun s3-server.cjs <folder>\n');
  process.exit(64);
}

const rfc3986 = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key, text) => createHmac('sha256', key).update(text).digest();

/** The signature S3 expects for this request, or null when its Authorization header is not SigV4. */
function expected(req) {
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      req.headers.authorization || '',
    );
  if (!m) return null;
  const [, keyId, date, region, signedHeaders, given] = m;
  const [path, query = ''] = req.url.split('?');
  const canonicalQuery = query
    .split('&')
    .filter(Boolean)
    .map((p) => p.split('=').map((x) => rfc3986(decodeURIComponent(x || ''))))
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
    .map(([k, v = '']) => `${k}=${v}`)
    .join('&');
  const headers = signedHeaders
    .split(';')
    .map(
      (h) =>
        `${h}:${String(req.headers[h] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonical = [req.method, path, canonicalQuery, headers, signedHeaders, req.headers['x-amz-content-sha256'] || ''].join('\n');
  const toSign = [
    'AWS4-HMAC-SHA256',
    req.headers['x-amz-date'] || '',
    `${date}/${region}/s3/aws4_request`,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
  return { keyId, given, wanted: createHmac('sha256', key).update(toSign).digest('hex') };
}

const server = new S3rver({
  port: 0,
  address: '127.0.0.1',
  silent: true,
  directory: process.argv[2],
  configureBuckets: [{ name: bucket }],
});
server.middleware.unshift(async (ctx, next) => {
  const sig = expected(ctx.req);
  if (!sig || sig.keyId !== ACCESS_KEY_ID || sig.given !== sig.wanted) {
    ctx.status = 403;
    ctx.type = 'application/xml';
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>`;
    return;
  }
  return next();
});
server.run().then(({ port }) => process.stdout.write(`${JSON.stringify({ port })}\n`));
