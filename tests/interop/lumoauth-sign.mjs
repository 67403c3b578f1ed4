#!/usr/bin/env node
// Signs one request the two ways LumoAuth agents do (issue 18), byte for byte, with Node's built-in crypto only, so the
// .NET tests exercise the LumoAuth profile against a signer this project's C# code did not write.
//
// stdin (JSON job):
//   { "shape": "quickstart" | "sdk",
//     "method": "GET", "url": "https://api.example.com/v1/data", "body": "..." | null,
//     "contentType": "application/json" | null,
//     "privateJwk": { Ed25519 OKP JWK with d },  "token": "<auth+jwt>",
//     quickstart: "agentId": "https://my-agent.example.com", "kid": "key-1", "created": 1765000000,
//                 "covered": ["@method", "@target-uri"]   optional; default: these, plus content-type and content-digest with a body
//     sdk:        "created": 1765000000, "nonce": "<base64url>" }
// stdout (JSON): { "headers": { name: value }, "signatureBase": "..." }
//
// quickstart (LumoAuth's published AAuth quick start): Authorization: Bearer <token>, and
//   Agent-Auth: sig1=:<standard base64>:; label="sig1"; alg="ed25519"; keyid="<agent>#<kid>"; created=<n>; covered="<names>"
//   The signed bytes are only the covered lines ("<name>": <value>) joined by LF: no "@signature-params" line.
//   With a body it also sends Content-Digest (sha-256).
// sdk (the lumoauth SDK's AAuthClient.signed_request): RFC 9421 Signature-Input / Signature with two deviations:
//   the Signature byte sequence is base64url, and "signature-key" is covered but never sent (signed as an empty value).
//   Covered: @method @authority @path [@query] signature-key content-digest content-type authorization; created and a
//   nonce, no keyid, no alg. Content-Digest is always sent, even for an empty body.
import { createHash, createPrivateKey, sign } from 'node:crypto';

const readStdin = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
};

const contentDigest = (body) => `sha-256=:${createHash('sha256').update(body ?? '', 'utf8').digest('base64')}:`;

const main = async () => {
  const job = JSON.parse(await readStdin());
  const key = createPrivateKey({ key: job.privateJwk, format: 'jwk' });
  const url = new URL(job.url);
  const method = job.method ?? 'GET';
  const headers = { authorization: `Bearer ${job.token}` };
  if (job.contentType) headers['content-type'] = job.contentType;

  if (job.shape === 'quickstart') {
    const hasBody = job.body !== undefined && job.body !== null && job.body !== '';
    if (hasBody) headers['content-digest'] = contentDigest(job.body);
    const covered = job.covered ?? (hasBody ? ['@method', '@target-uri', 'content-type', 'content-digest'] : ['@method', '@target-uri']);
    const value = (name) => {
      switch (name) {
        case '@method': return method;
        case '@target-uri': return job.url;
        default: return headers[name] ?? '';
      }
    };
    const signatureBase = covered.map((name) => `"${name}": ${value(name)}`).join('\n');
    const signature = sign(null, Buffer.from(signatureBase, 'utf8'), key).toString('base64');
    headers['agent-auth'] = `sig1=:${signature}:; label="sig1"; alg="ed25519"; keyid="${job.agentId}#${job.kid}"; created=${job.created}; covered="${covered.join(' ')}"`;
    process.stdout.write(JSON.stringify({ headers, signatureBase }));
    return;
  }

  if (job.shape === 'sdk') {
    headers['content-digest'] = contentDigest(job.body);
    const components = ['@method', '@authority', '@path'];
    if (url.search) components.push('@query');
    components.push('signature-key', 'content-digest', 'content-type', 'authorization');
    const value = (name) => {
      switch (name) {
        case '@method': return method;
        case '@authority': return url.host;
        case '@path': return url.pathname;
        case '@query': return url.search;
        default: return headers[name] ?? '';   // the SDK signs an absent field as an empty value
      }
    };
    const params = `(${components.map((c) => `"${c}"`).join(' ')});created=${job.created};nonce="${job.nonce}"`;
    const lines = components.map((name) => `"${name}": ${value(name)}`);
    lines.push(`"@signature-params": ${params}`);
    const signatureBase = lines.join('\n');
    const signature = sign(null, Buffer.from(signatureBase, 'utf8'), key).toString('base64url');
    headers['signature-input'] = `sig1=${params}`;
    headers['signature'] = `sig1=:${signature}:`;
    process.stdout.write(JSON.stringify({ headers, signatureBase }));
    return;
  }
  throw new Error(`unknown shape ${job.shape}`);
};

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
