// Someone's certificate as the directory and the chat show it. A revoked or expired certificate is
// said so wherever it appears (red or amber, never green), with when and why; and since no message
// can be encrypted for a key that is no longer in force, nobody is offered to write to them. A
// message goes to every device of a person (protocol §6, §7), so each device's fingerprint is shown
// too: the way to notice a key added behind someone's back.
import { canReceive, type UserEntry } from '../../protocol/session.ts';
import { groupedHex, revocationReasonText } from '../../shared/format.ts';
import { Icon } from './icons.tsx';
import { LocalTime } from './Time.tsx';

type Cert = Pick<UserEntry, 'certificateStatus' | 'notAfter' | 'revokedAt' | 'revocationReason'>;

/** The chip's tone and word for a certificate no message can be encrypted for. */
const BLOCKED: Record<Exclude<UserEntry['certificateStatus'], 'valid' | 'expiring'>, { tone: 'danger' | 'warn'; word: string }> = {
  revoked: { tone: 'danger', word: 'Revoked' },
  expired: { tone: 'warn', word: 'Expired' },
  not_yet_valid: { tone: 'warn', word: 'Not valid yet' },
  unknown: { tone: 'danger', word: 'Unknown certificate' },
};

export function certificateBlock(u: Cert): { tone: 'danger' | 'warn'; word: string } | undefined {
  return canReceive(u) ? undefined : BLOCKED[u.certificateStatus as keyof typeof BLOCKED];
}

/** "Revoked on 3 May 2026 (key compromised)." — what happened to the certificate, in a sentence. */
export function CertificateFate({ u }: { u: Cert }) {
  switch (u.certificateStatus) {
    case 'revoked':
      return (
        <>
          {'Revoked on '}
          {u.revokedAt ? <LocalTime iso={u.revokedAt} /> : 'an unknown date'}
          {` (${revocationReasonText(u.revocationReason ?? 'unspecified')}).`}
        </>
      );
    case 'expired':
      return (
        <>
          {'Expired on '}
          {u.notAfter ? <LocalTime iso={u.notAfter} style="date" /> : 'an unknown date'}.
        </>
      );
    case 'not_yet_valid':
      return <>Not valid yet.</>;
    case 'unknown':
      return <>TEKUP_chat has no record of issuing it.</>;
    default:
      return (
        <>
          {'Valid until '}
          {u.notAfter ? <LocalTime iso={u.notAfter} style="date" /> : 'an unknown date'}.
        </>
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
  return (
    <p class="cannot-message" id={id} data-cannot-message>
      <CertificateChip u={u} />
      <span class="muted small">
        <CertificateFate u={u} />
        {` Messages cannot be encrypted for ${u.firstName} until they get a new certificate.`}
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
  if (u.devices === undefined) return null;
  return <span class="device-count" data-device-count={u.devices}>{u.devices === 1 ? '1 device' : `${u.devices} devices`}</span>;
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
