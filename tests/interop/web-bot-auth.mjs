#!/usr/bin/env node
// Web Bot Auth fixtures made with the `web-bot-auth` package (0.1.3) and its `http-message-sig` dependency, so the .NET
// tests verify crawler signatures and signed key directories this project did not produce.
//
// stdin (JSON job), one of:
//   { "op": "keygen" }                                   -> { "privateJwk": {...}, "publicJwk": {...}, "keyid": "<RFC 7638 thumbprint>" }
//   { "op": "directory", "url": "https://host:port/.well-known/http-message-signatures-directory",
//     "list": [publicJwk...], "signers": [privateJwk...], "created": s, "expires": s }
//        -> { "body": "<JWKS text>", "headers": { "signature": "...", "signature-input": "..." } }
//      (directoryResponseHeaders: one signature per signer, tag http-message-signatures-directory, "@authority";req)
//   { "op": "sign", "method": "GET", "url": "...", "headers": { "signature-agent": "\"https://...\"" },
//     "privateJwk": {...}, "created": s, "expires": s | null, "components": [...] | absent, "nonce": "..." | absent }
//        -> { "headers": { "signature": "...", "signature-input": "..." } }
//      (web-bot-auth signatureHeaders; with "expires": null or "withoutNonce": true the package cannot sign that, so
//       its http-message-sig dependency signs the same profile without expires or without a nonce)
import { generateKeyPairSync } from 'node:crypto';
import { signatureHeaders, directoryResponseHeaders, jwkToKeyID, helpers } from 'web-bot-auth';
import { signerFromJWK } from 'web-bot-auth/crypto';
import * as httpsig from 'http-message-sig';

const readStdin = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
};

const publicOf = (jwk) => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x });

const main = async () => {
  const job = JSON.parse(await readStdin());
  let out;
  switch (job.op) {
    case 'keygen': {
      const privateJwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
      const keyid = await jwkToKeyID(publicOf(privateJwk), helpers.WEBCRYPTO_SHA256, helpers.BASE64URL_DECODE);
      out = { privateJwk, publicJwk: publicOf(privateJwk), keyid };
      break;
    }
    case 'directory': {
      const signers = await Promise.all(job.signers.map((jwk) => signerFromJWK(jwk)));
      const body = JSON.stringify({ keys: job.list });
      const message = {
        request: { method: 'GET', url: job.url, headers: {} },
        response: { status: 200, headers: { 'content-type': 'application/http-message-signatures-directory+json' } },
      };
      const headers = await directoryResponseHeaders(message, signers, {
        created: new Date(job.created * 1000),
        expires: new Date(job.expires * 1000),
      });
      out = { body, headers: { signature: headers['Signature'], 'signature-input': headers['Signature-Input'] } };
      break;
    }
    case 'sign': {
      const signer = await signerFromJWK(job.privateJwk);
      const request = { method: job.method ?? 'GET', url: job.url, headers: job.headers ?? {} };
      let headers;
      if (job.expires === null || job.withoutNonce) {
        const options = {
          signer,
          components: job.components ?? ['@authority', 'signature-agent'],
          created: new Date(job.created * 1000),
          tag: 'web-bot-auth',
        };
        if (job.expires) options.expires = new Date(job.expires * 1000);
        if (job.nonce) options.nonce = job.nonce;
        headers = await httpsig.signatureHeaders(request, options);
      } else {
        const params = { created: new Date(job.created * 1000), expires: new Date(job.expires * 1000) };
        if (job.components) params.components = job.components;
        if (job.nonce) params.nonce = job.nonce;
        headers = await signatureHeaders(request, signer, params);
      }
      out = { headers: { signature: headers['Signature'], 'signature-input': headers['Signature-Input'] } };
      break;
    }
    default:
      throw new Error(`unknown op ${job.op}`);
  }
  process.stdout.write(JSON.stringify(out));
};

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
