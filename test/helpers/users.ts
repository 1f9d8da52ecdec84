// Builds valid enrollment requests with unique identities, so each test starts from one good body.
import type { EnrollRequest } from '../../src/protocol/enroll.ts';
import { makeCsr, type KeyAndCsr } from './openssl.ts';

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
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}
