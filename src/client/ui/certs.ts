// Other people's certificates as the chat needs them: the current one (its standing says whether
// they can be written to), every current one, one per device (to wrap a message key for each,
// protocol §6, §7), and any one an envelope names by serial (to verify what they signed, even
// before a renewal). Each is checked to be signed by the TEKUP_chat issuing CA, and issued to the
// person it is listed for, before it is trusted for anything.
import { api, getText } from './api.ts';
import { pemBlocks } from '../pem.ts';
import { certificateLogin, x509 } from '../x509.ts';
import { importPublicKeys, type PublicKeys } from '../keys.ts';
import type { CurrentCertificateEntry } from '../../protocol/devices.ts';
import { t } from '../i18n.ts';

export interface KnownCertificate {
  serial: string;
  login: string;
  status: string;
  revokedAt?: string;
  revocationReason?: string;
  notAfter: string;
  cert: x509.X509Certificate;
  keys?: PublicKeys;
}

interface CertificateJson {
  serial: string;
  status: string;
  notAfter: string;
  revokedAt?: string;
  revocationReason?: string;
  certificate: string;
  login?: string;
}

export class CertificateProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateProblem';
  }
}

const bySerial = new Map<string, Promise<KnownCertificate>>();
let chain: Promise<string> | undefined;

/** The CA chain, PEM: intermediate then root (GET /ca/chain.pem), fetched once. */
export function chainPem(): Promise<string> {
  chain ??= getText('/ca/chain.pem');
  return chain;
}

/** The intermediate CA that signs every user certificate (first block of the chain). */
async function issuingCa(): Promise<x509.X509Certificate> {
  return new x509.X509Certificate(pemBlocks(await chainPem(), 'CERTIFICATE')[0]);
}

async function accept(json: CertificateJson, expectedLogin?: string): Promise<KnownCertificate> {
  const cert = new x509.X509Certificate(json.certificate);
  const ca = await issuingCa();
  let signed = false;
  try {
    signed = cert.issuer === ca.subject && (await cert.verify({ publicKey: ca.publicKey, signatureOnly: true }));
  } catch {
    signed = false;
  }
  if (!signed) throw new CertificateProblem(t('acct.certs.not-issued'));
  const login = certificateLogin(cert) ?? '';
  if (expectedLogin && login !== expectedLogin) throw new CertificateProblem(t('acct.certs.wrong-login', { login: login || t('acct.certs.nobody'), expected: expectedLogin }));
  return { serial: cert.serialNumber.toLowerCase(), login, status: json.status, revokedAt: json.revokedAt, revocationReason: json.revocationReason, notAfter: json.notAfter, cert };
}

/** Someone's current certificate, with the public keys to encrypt for them. */
export async function currentCertificate(login: string): Promise<KnownCertificate> {
  const json = await api<CertificateJson>('GET', `/api/v1/users/${encodeURIComponent(login)}/certificate`);
  const known = await accept(json, login);
  known.keys = await importPublicKeys(known.cert);
  bySerial.set(known.serial, Promise.resolve(known));
  return known;
}

/** A device's certificate, checked, with the key a message key is wrapped with for it. */
export type DeviceCertificate = KnownCertificate & { keys: PublicKeys; deviceName: string };

/**
 * Every current certificate of `login` (GET /api/v1/users/{login}/certificates), each checked as
 * any other; one that fails the checks fails the whole list, since leaving a device out would
 * only have the server refuse the message.
 */
export async function deviceCertificates(login: string): Promise<DeviceCertificate[]> {
  const list = await api<CurrentCertificateEntry[]>('GET', `/api/v1/users/${encodeURIComponent(login)}/certificates`);
  const now = Date.now();
  return Promise.all(
    list.map(async (entry) => {
      // Listed as current, so not revoked; it may have expired and still be its device's.
      const status = Date.parse(entry.notAfter) < now ? 'expired' : 'valid';
      const known = await accept({ serial: entry.serial, status, notAfter: entry.notAfter, certificate: entry.certificate }, login);
      if (known.serial !== entry.serial.toLowerCase()) throw new CertificateProblem(t('acct.certs.wrong-serial', { login, listed: entry.serial, actual: known.serial }));
      const device: DeviceCertificate = { ...known, keys: await importPublicKeys(known.cert), deviceName: entry.deviceName };
      if (!bySerial.has(device.serial)) bySerial.set(device.serial, Promise.resolve(device));
      return device;
    }),
  );
}

/** The certificate an envelope names, cached by serial. */
export function certificateBySerial(serial: string, login: string): Promise<KnownCertificate> {
  let hit = bySerial.get(serial);
  if (!hit) {
    hit = api<CertificateJson>('GET', `/api/v1/certificates/${encodeURIComponent(serial)}`).then(
      (json) => accept(json, login),
      () => {
        throw new CertificateProblem(t('acct.certs.unknown-serial', { serial }));
      },
    );
    hit.catch(() => bySerial.delete(serial)); // try again next time (it may have been a network error)
    bySerial.set(serial, hit);
  }
  return hit;
}

/** A certificate we hold already (ours, from the keystore). */
export function remember(known: KnownCertificate): void {
  bySerial.set(known.serial, Promise.resolve(known));
}
