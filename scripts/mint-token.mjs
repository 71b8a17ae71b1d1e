#!/usr/bin/env node
// Mint an HS256 bearer JWT for the mdm-edge API.
//
//   node scripts/mint-token.mjs [--sub admin] [--orgs '*'] [--perms '*'] [--ttl 3600]
//                               [--nbf SECONDS] [--iat SECONDS] [--exp SECONDS] [--secret S]
//
// --orgs / --perms are comma-separated (organization ids or slugs, or '*';
// permission strings, 'prefix.*' or '*'). --ttl is seconds from now (default
// 3600); --exp sets the absolute expiry instead (seconds since the epoch).
// The secret comes from --secret, else $AUTH_SECRET, else AUTH_SECRET in
// .dev.vars (as written by `make dev`). Prints the token alone on stdout.
//
// Also a module: `import { mintToken, signJwt } from "./scripts/mint-token.mjs"`.

import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const b64url = (buf) => Buffer.from(buf).toString("base64url");

/** Sign any header/claims with HS256 (tests use it to forge bad tokens too). */
export function signJwt(claims, secret, header = { alg: "HS256", typ: "JWT" }) {
  const h = b64url(JSON.stringify(header));
  const p = b64url(JSON.stringify(claims));
  const s = createHmac("sha256", secret).update(`${h}.${p}`).digest("base64url");
  return `${h}.${p}.${s}`;
}

/** A token with the project's claims: sub, iat, exp (+ nbf), orgs, perms. */
export function mintToken({ secret, sub = "admin", orgs = ["*"], perms = ["*"], ttl = 3600, exp, nbf, iat } = {}) {
  if (!secret) throw new Error("mintToken: a secret is required");
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub, iat: iat ?? now, exp: exp ?? now + ttl, orgs, perms };
  if (nbf !== undefined) claims.nbf = nbf;
  return signJwt(claims, secret);
}

/** AUTH_SECRET from a .dev.vars file, or undefined. */
export function readDevVarsSecret(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split(/\r?\n/)) {
    const m = line.match(/^\s*AUTH_SECRET\s*=\s*"?([^"]*)"?\s*$/);
    if (m) return m[1];
  }
  return undefined;
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") {
      out.help = true;
      continue;
    }
    const m = a.match(/^--([a-z]+)(?:=(.*))?$/);
    if (!m) throw new Error(`unexpected argument: ${a}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value`);
    out[m[1]] = value;
  }
  return out;
}

const list = (s) => s.split(",").map((x) => x.trim()).filter(Boolean);
const int = (name, s) => {
  if (!/^-?\d+$/.test(s)) throw new Error(`--${name} must be an integer number of seconds`);
  return Number(s);
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.help) {
      const src = readFileSync(fileURLToPath(import.meta.url), "utf8");
      console.log(src.split("\n").slice(1, 13).map((l) => l.replace(/^\/\/ ?/, "")).join("\n"));
      process.exit(0);
    }
    const root = join(dirname(fileURLToPath(import.meta.url)), "..");
    const secret = args.secret ?? process.env.AUTH_SECRET ?? readDevVarsSecret(join(root, ".dev.vars"));
    if (!secret) throw new Error("no secret: pass --secret, set AUTH_SECRET, or run `make dev` to write .dev.vars");
    const known = new Set(["sub", "orgs", "perms", "ttl", "exp", "nbf", "iat", "secret"]);
    for (const k of Object.keys(args)) if (!known.has(k)) throw new Error(`unknown option --${k}`);
    const token = mintToken({
      secret,
      sub: args.sub ?? "admin",
      orgs: args.orgs !== undefined ? list(args.orgs) : ["*"],
      perms: args.perms !== undefined ? list(args.perms) : ["*"],
      ttl: args.ttl !== undefined ? int("ttl", args.ttl) : 3600,
      exp: args.exp !== undefined ? int("exp", args.exp) : undefined,
      nbf: args.nbf !== undefined ? int("nbf", args.nbf) : undefined,
      iat: args.iat !== undefined ? int("iat", args.iat) : undefined,
    });
    process.stdout.write(token + "\n");
  } catch (e) {
    process.stderr.write(`mint-token: ${e.message}\n`);
    process.exit(2);
  }
}
