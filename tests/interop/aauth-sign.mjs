#!/usr/bin/env node
// Signs one HTTP request with the AAuth reference signer, @hellocoop/httpsig 2.2.0 (draft-hardt-httpbis-signature-key-08),
// so .NET tests verify Signature-Key requests this project did not produce. Uses the signer's own fetch() in dryRun mode.
//
// stdin (JSON job):
//   { "method": "GET" | "POST" | ..., "url": "http://127.0.0.1:5000/protected", "headers": { ... }, "body": "..." | null,
//     "privateJwk": { ..., "alg": "Ed25519" },          the signing key (alg is required by the signer for hwk)
//     "signatureKey": { "type": "hwk" } | { "type": "jwt", "jwt": "..." } | { "type": "jkt_jwt", "jwt": "..." }
//                   | { "type": "jwks_uri", "id": "https://agent.example", "dwk": "aauth-agent.json", "kid": "key-1" },
//     "components": [...] (optional override), "label": "sig" (optional), "now": 1796527867 (seconds; the signer's clock) }
// stdout (JSON): { "headers": { lowercase name: value } }
import httpsig from '@hellocoop/httpsig';

const readStdin = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
};

const main = async () => {
  const job = JSON.parse(await readStdin());
  if (job.now !== undefined) {
    // The signer reads Date.now() for `created`; the .NET host runs on a fake clock.
    Date.now = () => job.now * 1000;
  }
  const options = {
    method: job.method ?? 'GET',
    headers: job.headers ?? {},
    signingKey: job.privateJwk,
    signatureKey: job.signatureKey,
    dryRun: true,
  };
  if (job.body !== undefined && job.body !== null) options.body = job.body;
  if (job.components) options.components = job.components;
  if (job.label) options.label = job.label;
  const { headers } = await httpsig.fetch(job.url, options);
  const out = {};
  headers.forEach((value, name) => { out[name.toLowerCase()] = value; });
  process.stdout.write(JSON.stringify({ headers: out }));
};

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
