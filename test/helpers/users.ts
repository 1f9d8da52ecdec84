// Builds valid enrollment requests with unique identities, so each test starts from one good body.
import type { EnrollRequest } from '../../src/protocol/enroll.ts';
import { makeCsr, type KeyAndCsr } from './openssl.ts';
import { CA_SIGNING, x509 } from '../../src/pki/x509.ts';

let counter = 0;

export function uniqueUser(prefix = 'user'): Omit<EnrollRequest, 'csr'> {
  counter++;
  const n = (process.pid % 1000) * 10_000 + counter;
  const login = `${prefix}${n}`.toLowerCase();
  return {
    cardNumber: String(10_000_000 + n),
    firstName: 'Amira',
    lastName: 'Ben Salah',
    login,
    email: `${login}@example.org`,
    password: `Tr0ub4dor&${login}&3`,
  };
}

export function enrollBody(prefix = 'user', keyAndCsr: KeyAndCsr = makeCsr()): { body: EnrollRequest; key: KeyAndCsr } {
  const u = uniqueUser(prefix);
  return { body: { ...u, csr: keyAndCsr.csr }, key: keyAndCsr };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers }> {
  // Bounded, and named when it fails: fetch waits up to 5 minutes for an answer by default, far past a test's timeout.
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) }).catch((e: unknown) => {
    throw new Error(`POST ${url}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

/**
 * `n` fresh RSA-2048 keys (PKCS#8 PEM) with a CSR each, made by WebCrypto concurrently: quicker
 * than `n` openssl runs when many registrations are needed, and the CA certifies a key only once.
 */
export function newKeyCsrs(n: number, name = 'O=Somewhere'): Promise<{ key: string; csr: string }[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const keys = await crypto.subtle.generateKey({ ...CA_SIGNING, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify']);
      const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name, keys, signingAlgorithm: CA_SIGNING });
      return { key: x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'), csr: csr.toString('pem') };
    }),
  );
}
