// Signs HTTP requests with http-message-signatures (dhensby/node-http-message-signatures, an independent RFC 9421
// implementation), so the .NET handler tests verify requests made by code this project did not write.
// stdin, one JSON job:
//   {"op":"keygen","alg":"ed25519|ecdsa-p256-sha256"}
//     -> {"privateKeyPem":"...","jwk":{public JWK}}
//   {"op":"sign","alg":"...","privateKeyPem":"...","keyid":"...","method":"POST","url":"http://127.0.0.1:1234/p?q=1",
//    "body":"..."|null,"digest":true|false,"created":<unix seconds>,"nonce":"..."|null}
//     -> {"headers":{"signature-input":"...","signature":"...","content-digest":"..."?}}
// Content-Digest (RFC 9530, sha-256) is computed here with node:crypto over the exact body bytes.
import { httpbis, createSigner } from 'http-message-signatures';
import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function keygen(alg) {
  const { privateKey, publicKey } = alg === 'ed25519'
    ? generateKeyPairSync('ed25519')
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }),
    jwk: publicKey.export({ format: 'jwk' }),
  };
}

async function sign(job) {
  const url = new URL(job.url);
  const headers = { host: url.host };
  const fields = ['@method', '@authority', '@path'];
  if (url.search.length > 0) fields.push('@query');
  if (job.body !== null && job.body !== undefined) {
    headers['content-type'] = 'application/json';
    if (job.digest) {
      const digest = createHash('sha256').update(Buffer.from(job.body, 'utf8')).digest('base64');
      headers['content-digest'] = `sha-256=:${digest}:`;
      fields.push('content-digest');
    }
  }
  const key = createPrivateKey(job.privateKeyPem);
  const params = ['created', 'keyid', 'alg'];
  const paramValues = { created: new Date(job.created * 1000) };
  if (job.nonce) {
    params.push('nonce');
    paramValues.nonce = job.nonce;
  }
  const signed = await httpbis.signMessage({
    key: createSigner(key, job.alg, job.keyid),
    name: 'sig1',
    fields,
    params,
    paramValues,
  }, { method: job.method, url: job.url, headers });

  const out = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'signature' || lower === 'signature-input' || lower === 'content-digest') {
      out[lower] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return { headers: out };
}

const job = await readStdin();
let result;
if (job.op === 'keygen') {
  result = keygen(job.alg);
} else if (job.op === 'sign') {
  result = await sign(job);
} else {
  throw new Error(`unknown op ${job.op}`);
}
process.stdout.write(JSON.stringify(result));
