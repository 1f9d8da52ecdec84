// Someone's certificate as the directory and the chat show it. A revoked or expired certificate is
// said so wherever it appears (red or amber, never green), with when and why; and since no message
// can be encrypted for a key that is no longer in force, nobody is offered to write to them. A
// message goes to every device of a person (protocol §6, §7), so each device's fingerprint is shown
// too: the way to notice a key added behind someone's back.
import { canReceive, type UserEntry } from '../../protocol/session.ts';
import { groupedHex, revocationReasonText } from '../../shared/format.ts';
import { Icon } from './icons.tsx';
import { LocalTime } from './Time.tsx';
import { Sentence } from './Sentence.tsx';
import { useT, requestLocale } from '../i18n.ts';
import type { PageKey } from '../messages/index.ts';

type Cert = Pick<UserEntry, 'certificateStatus' | 'notAfter' | 'revokedAt' | 'revocationReason'>;

/** The chip's tone and word for a certificate no message can be encrypted for. */
const BLOCKED: Record<Exclude<UserEntry['certificateStatus'], 'valid' | 'expiring'>, { tone: 'danger' | 'warn'; word: PageKey }> = {
  revoked: { tone: 'danger', word: 'account.peer.chip.revoked' },
  expired: { tone: 'warn', word: 'account.peer.chip.expired' },
  not_yet_valid: { tone: 'warn', word: 'account.peer.chip.not-yet-valid' },
  unknown: { tone: 'danger', word: 'account.peer.chip.unknown' },
};

/** The word is in the request's language: call it while a page renders. */
export function certificateBlock(u: Cert): { tone: 'danger' | 'warn'; word: string } | undefined {
  if (canReceive(u)) return undefined;
  const block = BLOCKED[u.certificateStatus as keyof typeof BLOCKED];
  return block && { tone: block.tone, word: useT()(block.word) };
}

/** "Revoked on 3 May 2026 (key compromised)." — what happened to the certificate, in a sentence. */
export function CertificateFate({ u }: { u: Cert }) {
  const t = useT();
  switch (u.certificateStatus) {
    case 'revoked': {
      const reason = revocationReasonText(u.revocationReason ?? 'unspecified', requestLocale());
      return u.revokedAt ? (
        <Sentence text={t('account.peer.revoked-on', { reason })} slots={{ date: <LocalTime iso={u.revokedAt} /> }} />
      ) : (
        <>{t('account.peer.revoked-undated', { reason })}</>
      );
    }
    case 'expired':
      return u.notAfter ? (
        <Sentence text={t('account.peer.expired-on')} slots={{ date: <LocalTime iso={u.notAfter} style="date" /> }} />
      ) : (
        <>{t('account.peer.expired-undated')}</>
      );
    case 'not_yet_valid':
      return <>{t('account.peer.not-yet-valid')}</>;
    case 'unknown':
      return <>{t('account.peer.unknown')}</>;
    default:
      return u.notAfter ? (
        <Sentence text={t('account.peer.valid-until')} slots={{ date: <LocalTime iso={u.notAfter} style="date" /> }} />
      ) : (
        <>{t('account.peer.valid-undated')}</>
      );
  }
}

/** A red or amber chip saying what is wrong with the certificate; nothing when it is in force. */
export function CertificateChip({ u }: { u: Cert }) {
  const block = certificateBlock(u);
  if (!block) return null;
  return (
    <span class={`chip chip-${block.tone}`} data-cert-status={u.certificateStatus}>
      <Icon name="shieldAlert" />
      <span>{block.word}</span>
    </span>
  );
}

/** Why there is no Message button: in place of it, for someone no message can be encrypted for. */
export function CannotMessage({ u, id }: { u: Cert & Pick<UserEntry, 'firstName'>; id?: string }) {
  const t = useT();
  return (
    <p class="cannot-message" id={id} data-cannot-message>
      <CertificateChip u={u} />
      <span class="muted small">
        <CertificateFate u={u} />
        {` ${t('account.peer.cannot-message', { name: u.firstName })}`}
      </span>
    </p>
  );
}

/** One device of a person as the pages show it: what to compare with them in person. */
export interface DeviceFingerprint {
  serial: string;
  deviceName: string;
  fingerprint: string;
}

/** "2 devices": how many keys a message to this person is encrypted for. */
export function DeviceCount({ u }: { u: Pick<UserEntry, 'devices'> }) {
  const t = useT();
  if (u.devices === undefined) return null;
  return <span class="device-count" data-device-count={u.devices}>{t('account.peer.devices', { count: u.devices })}</span>;
}

/** Each device's name and certificate fingerprint: a key that nobody recognises stands out. */
export function DeviceFingerprints({ devices }: { devices: readonly DeviceFingerprint[] }) {
  return (
    <ul class="device-fps" data-device-fps>
      {devices.map((d) => (
        <li data-device-serial={d.serial}>
          <span class="device-fp-name">{d.deviceName}</span>
          <code class="fingerprint" title={`SHA-256 ${d.fingerprint}`}>
            {groupedHex(d.fingerprint)}
          </code>
        </li>
      ))}
    </ul>
  );
}
