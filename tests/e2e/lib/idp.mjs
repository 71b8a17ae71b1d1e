// A test identity provider: RSA and P-256 key pairs generated on the spot,
// their JWKS served on loopback, and JWTs signed with them. Used by the
// OpenID Connect / Cloudflare Access tests over HTTP and in Chromium.
//
//   const rsa = keyPair("RSA", "rsa-1");
//   const idp = await serveJwks(() => [rsa.jwk]);   // idp.url, idp.hits(), idp.close()
//   const token = jwt(rsa, { email: "ann@example.com" });

import { createServer } from "node:http";
import { generateKeyPairSync, sign as cryptoSign } from "node:crypto";

export const ISSUER = "https://idp.test";
export const AUDIENCE = "mdm-edge-e2e";

/** base64url of a string or of a value's JSON. */
export const b64 = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
/** Seconds since the epoch. */
export const now = () => Math.floor(Date.now() / 1000);

/** A fresh key pair ("RSA": RS256, 2048 bits; "EC": ES256 on P-256) and its public JWK. */
export function keyPair(kind, kid) {
  const pair =
    kind === "RSA"
      ? generateKeyPairSync("rsa", { modulusLength: 2048 })
      : generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = { ...pair.publicKey.export({ format: "jwk" }), kid, use: "sig", alg: kind === "RSA" ? "RS256" : "ES256" };
  return { ...pair, kid, jwk, alg: jwk.alg };
}

/** A JWT signed by `key`: ISSUER, AUDIENCE, 10 minutes (header and claims overridable). */
export function jwt(key, claims = {}, header = {}) {
  const h = b64({ alg: key.alg, typ: "JWT", kid: key.kid, ...header });
  const p = b64({ iss: ISSUER, aud: AUDIENCE, sub: "person-1", iat: now(), exp: now() + 600, ...claims });
  const opts = key.alg === "ES256" ? { key: key.privateKey, dsaEncoding: "ieee-p1363" } : key.privateKey;
  const s = cryptoSign("sha256", Buffer.from(`${h}.${p}`), opts).toString("base64url");
  return `${h}.${p}.${s}`;
}

/** Serves `{"keys": publish()}` on loopback; counts the fetches. */
export async function serveJwks(publish) {
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: publish() }));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/jwks`,
    hits: () => hits,
    close: () => server.close(),
  };
}

/** The worker vars that point OpenID Connect at `idp`. */
export const oidcVars = (idp) => ({ AUTH_JWKS_URL: idp.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
