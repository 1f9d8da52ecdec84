// What registration and recovery share: a new key pair made in this browser with its CSR and its
// password-encrypted backup, the progress shown meanwhile, and the panel describing the certificate
// that came back.
import { pageTime } from './times.ts';
import type { EnrollResponse } from '../../protocol/enroll.ts';
import { generateKey, type KeyPair } from '../keys.ts';
import { makeCsr } from '../csr.ts';
import { encryptPrivateKey } from '../backup.ts';
import { $$, must } from './dom.ts';
import { groupedHex } from '../../shared/format.ts';

/**
 * Marks the named step of the form's progress list as under way and the ones before it as done,
 * and says it in the live region for screen readers.
 */
export function progressSteps(progress: HTMLElement, live: HTMLElement): (name: string) => void {
  return (name) => {
    let reached = false;
    for (const li of $$('[data-progress-step]', progress)) {
      const here = li.dataset.progressStep === name;
      li.classList.toggle('is-active', here);
      li.classList.toggle('is-done', !here && !reached);
      if (here) {
        reached = true;
        live.textContent = `${li.textContent}…`;
      }
    }
  };
}

/**
 * The exportable PKCS#8 copy of the private key is dropped before this returns (the backup holds
 * it encrypted); the pair itself can still sign, to log in straight away.
 */
export async function newKeyWithCsr(login: string, password: string, step: (s: 'key' | 'store') => void): Promise<{ key: KeyPair; csr: string; backup: string }> {
  step('key');
  const key = await generateKey();
  try {
    const csr = await makeCsr(key, login);
    step('store');
    return { key, csr, backup: await encryptPrivateKey(key.pkcs8, password) };
  } finally {
    key.forget();
  }
}

/** Fills the facts list of web/components/Issued.tsx's IssuedFacts inside `panel`. */
export function showIssuedFacts(panel: HTMLElement, issued: EnrollResponse): void {
  must('[data-done-login]', panel).textContent = `@${issued.login}`;
  must('[data-done-serial]', panel).textContent = issued.serial;
  must('[data-done-fingerprint]', panel).textContent = groupedHex(issued.fingerprint);
  must('[data-done-expiry]', panel).textContent = pageTime(issued.notAfter, 'date');
}
