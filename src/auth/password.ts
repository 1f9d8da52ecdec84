// Passwords are kept only as salted PBKDF2-HMAC-SHA256 (protocol §2), in the form OpenLDAP's
// pw-pbkdf2 module reads: {PBKDF2-SHA256}<iterations>$<ab64 salt>$<ab64 hash>, where ab64 is
// base64 without padding and with "." for "+". Derivation runs on the hashing threads of
// src/auth/hash-pool.ts, so a login storm never blocks the event loop nor libuv's thread pool.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hashPool } from './hash-pool.ts';

const derive = (password: string, salt: Uint8Array, iterations: number, keylen: number) =>
  hashPool.pbkdf2({ password, salt, iterations, keylen });
export const SCHEME = '{PBKDF2-SHA256}';
const SALT_BYTES = 16;
const HASH_BYTES = 32;

const ab64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '').replace(/\+/g, '.');
const unab64 = (s: string) => Buffer.from(s.replace(/\./g, '+'), 'base64');

/** `iterations`: the configured cost (config.passwordIterations; OWASP's 600,000 by default). */
export async function hashPassword(password: string, iterations: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password.normalize('NFC'), salt, iterations, HASH_BYTES);
  return `${SCHEME}${iterations}$${ab64(salt)}$${ab64(hash)}`;
}

/** Constant-time check of a password against a stored hash; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^\{PBKDF2-SHA256\}(\d+)\$([A-Za-z0-9./]+)\$([A-Za-z0-9./]+)$/.exec(stored);
  if (!m) return false;
  const expected = unab64(m[3]);
  const actual = await derive(password.normalize('NFC'), unab64(m[2]), Number(m[1]), expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

