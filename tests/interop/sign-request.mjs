#!/usr/bin/env node
// Signs one HTTP request with the independent `http-message-signatures` package (RFC 9421), so .NET tests can
// verify signatures this project did not produce. Reusable by the core and the scheme tests.
//
// stdin (JSON job):
//   { "method": "POST", "url": "https://api.example.com/a?b=c", "headers": { "content-type": "..." }, "body": "...",
//     "alg": "ed25519" | "ecdsa-p256-sha256" | "ecdsa-p384-sha384" | "rsa-pss-sha512" | "rsa-v1_5-sha256" | "hmac-sha256",
//     "privateJwk": { ... }            optional; when absent a fresh key pair is generated
//     "keyId": "k1", "label": "sig1",
//     "fields": ["@method", "@authority", "@path", "content-digest"],
//     "contentDigest": "sha-256" | "sha-512" | null,   adds Content-Digest over the UTF-8 body
//     "params": ["created", "keyid", "alg", "expires", "nonce", "tag"],   which parameters to emit (in order)
//     "created": 1750000000, "expires": 1750000300, "nonce": "...", "tag": "..." }
// stdout (JSON): { "headers": { lowercase name: value, ... incl. signature-input, signature },
//                  "signatureInput": "...", "signature": "...", "signatureBase": "...", "publicJwk": { ... } | null }
import { createHash, createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { httpbis, createSigner } from 'http-message-signatures';

const readStdin = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
};

const generate = (alg) => {
  switch (alg) {
    case 'ed25519': return generateKeyPairSync('ed25519').privateKey;
    case 'ecdsa-p256-sha256': return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'ecdsa-p384-sha384': return generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    case 'rsa-pss-sha512':
    case 'rsa-v1_5-sha256': return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    case 'hmac-sha256': return createSecretKey(randomBytes(32));
    default: throw new Error(`unsupported alg ${alg}`);
  }
};

const main = async () => {
  const job = JSON.parse(await readStdin());
  const alg = job.alg ?? 'ed25519';
  const key = job.privateJwk
    ? (job.privateJwk.kty === 'oct' ? createSecretKey(Buffer.from(job.privateJwk.k, 'base64url')) : createPrivateKey({ key: job.privateJwk, format: 'jwk' }))
    : generate(alg);

  const headers = {};
  for (const [name, value] of Object.entries(job.headers ?? {})) headers[name.toLowerCase()] = value;
  const body = job.body ?? '';
  if (job.contentDigest) {
    const algorithm = job.contentDigest === 'sha-512' ? 'sha512' : 'sha256';
    headers['content-digest'] = `${job.contentDigest}=:${createHash(algorithm).update(body, 'utf8').digest('base64')}:`;
  }

  const paramValues = {};
  if (job.created !== undefined) paramValues.created = job.created === null ? null : new Date(job.created * 1000);
  if (job.expires !== undefined) paramValues.expires = new Date(job.expires * 1000);
  if (job.nonce !== undefined) paramValues.nonce = job.nonce;
  if (job.tag !== undefined) paramValues.tag = job.tag;

  const signer = createSigner(key, alg, job.keyId ?? 'k1');
  let signatureBase = null;
  const sign = signer.sign;
  signer.sign = async (data) => {
    signatureBase = data.toString('utf8');
    return sign(data);
  };
  const signed = await httpbis.signMessage({
    key: signer,
    name: job.label ?? 'sig1',
    fields: job.fields ?? ['@method', '@authority', '@path'],
    params: job.params ?? ['created', 'keyid'],
    paramValues,
  }, { method: job.method ?? 'GET', url: job.url, headers });

  let publicJwk = null;
  if (key.type === 'private') publicJwk = createPublicKey(key).export({ format: 'jwk' });
  else if (key.type === 'secret') publicJwk = key.export({ format: 'jwk' });

  const out = {};
  for (const [name, value] of Object.entries(signed.headers)) out[name.toLowerCase()] = value;
  process.stdout.write(JSON.stringify({
    headers: out,
    signatureInput: out['signature-input'],
    signature: out['signature'],
    signatureBase,
    publicJwk,
  }));
};

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
