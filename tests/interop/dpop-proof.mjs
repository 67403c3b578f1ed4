// Makes an RFC 9449 DPoP proof with code this project did not write, for the .NET interop tests.
// stdin:  {"alg":"ES256|Ed25519|EdDSA|PS256|RS256","htm":"GET","htu":"https://...","accessToken":"...","nonce":"..."?}
// stdout: {"proof":"<compact JWS>","jwk":{public JWK},"jkt":"<RFC 7638 SHA-256 thumbprint>"}
// ES256, Ed25519, PS256 and RS256 proofs come from panva/dpop; EdDSA (RFC 8037 name, which dpop does not emit)
// from panva/jose with the same claims.
import { generateKeyPair as dpopKeyPair, generateProof } from 'dpop';
import { SignJWT, generateKeyPair as joseKeyPair, exportJWK, calculateJwkThumbprint, base64url } from 'jose';
import { createHash, randomUUID } from 'node:crypto';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function proofWithDpop(job) {
  const keyPair = await dpopKeyPair(job.alg);
  const proof = await generateProof(keyPair, job.htu, job.htm, job.nonce ?? undefined, job.accessToken);
  return { proof, jwk: await exportJWK(keyPair.publicKey) };
}

async function proofWithJose(job) {
  const { publicKey, privateKey } = await joseKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = await exportJWK(publicKey);
  const claims = {
    jti: randomUUID(),
    htm: job.htm,
    htu: job.htu,
    iat: Math.floor(Date.now() / 1000),
    ath: base64url.encode(createHash('sha256').update(job.accessToken, 'ascii').digest()),
  };
  if (job.nonce) claims.nonce = job.nonce;
  const proof = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', typ: 'dpop+jwt', jwk })
    .sign(privateKey);
  return { proof, jwk };
}

const job = await readStdin();
let result;
switch (job.alg) {
  case 'ES256':
  case 'Ed25519':
  case 'PS256':
  case 'RS256':
    result = await proofWithDpop(job);
    break;
  case 'EdDSA':
    result = await proofWithJose(job);
    break;
  default:
    throw new Error(`unsupported alg ${job.alg}`);
}
result.jkt = await calculateJwkThumbprint(result.jwk, 'sha256');
process.stdout.write(JSON.stringify(result));
