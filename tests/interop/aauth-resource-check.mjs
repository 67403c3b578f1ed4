#!/usr/bin/env node
// Reads an AAuth resource's answers the way an agent does, with code this project did not write: the challenge headers
// through the AAuth reference signer's own parsers (@hellocoop/httpsig, which implements draft-hardt-httpbis-signature-key-08
// and exports its RFC 8941 parser for AAuth-Requirement), and a resource token verified by panva/jose against the JWKS the
// resource published.
//
// stdin (JSON job):
//   { "acceptSignatureScheme": "jwt" | null, "acceptSignatureAlg": "Ed25519, ES256" | null,
//     "requirement": "requirement=auth-token; resource-token=\"eyJ...\"" | null,
//     "jwks": { "keys": [ ... ] } | null, "issuer": "https://resource.example", "audience": "https://ps.example" | null }
// stdout (JSON): { "schemes": [...], "algs": [...], "requirement": "auth-token", "parameters": { name: value },
//                  "header": { ... }, "payload": { ... } }   (header and payload only when a resource token was verified)
import { parseAcceptSignatureScheme, parseAcceptSignatureAlg, parseDictionary, bareItemToString, isInnerList, Token } from '@hellocoop/httpsig';
import { createLocalJWKSet, jwtVerify } from 'jose';

const readStdin = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
};

const job = JSON.parse(await readStdin());
const result = {};
if (job.acceptSignatureScheme != null) result.schemes = parseAcceptSignatureScheme(job.acceptSignatureScheme);
if (job.acceptSignatureAlg != null) result.algs = parseAcceptSignatureAlg(job.acceptSignatureAlg);
if (job.requirement != null) {
  const dictionary = parseDictionary(job.requirement);
  const member = dictionary.get('requirement');
  if (member === undefined || isInnerList(member) || !(member[0] instanceof Token)) {
    throw new Error('AAuth-Requirement has no requirement token');
  }
  result.requirement = bareItemToString(member[0]);
  result.parameters = Object.fromEntries([...member[1]].map(([name, value]) => [name, bareItemToString(value)]));
  const resourceToken = result.parameters['resource-token'];
  if (resourceToken !== undefined) {
    // "Resource Token Verification": typ, the key selected by kid from the resource's JWKS, exp/iat, aud.
    const verified = await jwtVerify(resourceToken, createLocalJWKSet(job.jwks), {
      typ: 'aa-resource+jwt',
      issuer: job.issuer,
      audience: job.audience ?? undefined,
      algorithms: ['Ed25519', 'ES256', 'ES384', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512'],
      currentDate: job.now ? new Date(job.now * 1000) : undefined,
    });
    result.header = verified.protectedHeader;
    result.payload = verified.payload;
  }
}
process.stdout.write(JSON.stringify(result));
