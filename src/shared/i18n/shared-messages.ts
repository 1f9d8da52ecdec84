// The words of the shared text helpers (src/shared/format.ts): relative times, devices, revocation
// reasons and security activity, in every language. The English must stay word for word what the
// helpers wrote before there were catalogues: the admin command line and its tests read it.
//
// French typography: a no-break space (U+00A0) before : ; ? ! and inside « », and between a number
// and its unit ("2 min", as Intl.RelativeTimeFormat writes it); the apostrophe is ’.
import type { Catalogues } from './translate.ts';

const en = {
  // relativeText
  'shared.time.justNow': 'just now',
  'shared.time.minutesAgo': '{count} min ago',
  'shared.time.hoursAgo': '{count} h ago',
  'shared.time.yesterday': 'yesterday',
  'shared.time.daysAgo': { one: '{count} day ago', other: '{count} days ago' },

  // revocationReasonText: RFC 5280 reasons, of a certificate
  'shared.revocation.superseded': 'replaced by a renewal',
  'shared.revocation.keyCompromise': 'key compromised',
  'shared.revocation.cessationOfOperation': 'no longer used',
  'shared.revocation.affiliationChanged': 'affiliation changed',
  'shared.revocation.privilegeWithdrawn': 'withdrawn by the operator',
  'shared.revocation.unspecified': 'no reason given',

  // deviceText
  'shared.device.browserOnSystem': '{browser} on {system}',
  'shared.device.unknown': 'An unknown device',

  // activityText. A reason or a device name is added in parentheses by the two keys below.
  'shared.activity.withReason': '{text} ({reason})',
  'shared.activity.withDevice': '{text} ("{device}")',
  'shared.activity.login': 'Logged in',
  'shared.activity.loginRefused': 'Login refused: {why}',
  'shared.activity.refusal.password': 'a wrong password',
  'shared.activity.refusal.untrusted_issuer': 'a certificate TEKUP_chat did not issue',
  'shared.activity.refusal.bad_certificate': 'a certificate that could not be read',
  'shared.activity.refusal.expired': 'an expired certificate',
  'shared.activity.refusal.not_yet_valid': 'a certificate not valid yet',
  'shared.activity.refusal.not_owner': 'a certificate that is not your current one',
  'shared.activity.refusal.revoked': 'a revoked certificate',
  'shared.activity.refusal.bad_signature': 'a key that does not match the certificate',
  'shared.activity.refusal.other': 'refused',
  'shared.activity.passwordChanged': 'Password changed',
  'shared.activity.passwordChangeRefused': 'Password change refused: the current password was wrong',
  'shared.activity.certificateRenewed': 'Certificate renewed with a new key',
  'shared.activity.certificateRenewedStolen': 'Certificate renewed; the old key was reported stolen',
  'shared.activity.revokedByOperator': 'An operator revoked your certificate',
  'shared.activity.revokedDevice': 'You revoked the device "{device}"',
  'shared.activity.revokedOwn': 'You revoked your certificate',
  'shared.activity.recoveryCodeIssued': 'An operator issued a recovery code',
  'shared.activity.recoveryCodeIssuedReset': 'An operator issued a recovery code that sets a new password',
  'shared.activity.accessRecovered': 'Access recovered with a recovery code',
  'shared.activity.accessRecoveredReset': 'Access recovered with a recovery code and a new password',
  'shared.activity.deviceLinkRequested': 'A new device asked to be linked',
  'shared.activity.deviceLinkApproved': 'New device linked',
  'shared.activity.deviceLinkRefused': 'You refused to link a new device',
  'shared.activity.deviceLinkFailedPassword': 'Linking a new device refused: a wrong password',
  'shared.activity.deviceLinkFailedCodes': 'Linking a new device ended: the code was wrong five times',
} as const;

export default {
  en,
  fr: {
    'shared.time.justNow': 'à l’instant',
    'shared.time.minutesAgo': 'il y a {count}\u00a0min',
    'shared.time.hoursAgo': 'il y a {count}\u00a0h',
    'shared.time.yesterday': 'hier',
    'shared.time.daysAgo': { one: 'il y a {count}\u00a0jour', other: 'il y a {count}\u00a0jours' },

    'shared.revocation.superseded': 'remplacé lors d’un renouvellement',
    'shared.revocation.keyCompromise': 'clé compromise',
    'shared.revocation.cessationOfOperation': 'plus utilisé',
    'shared.revocation.affiliationChanged': 'changement d’affiliation',
    'shared.revocation.privilegeWithdrawn': 'retiré par l’opérateur',
    'shared.revocation.unspecified': 'aucun motif indiqué',

    'shared.device.browserOnSystem': '{browser} sous {system}',
    'shared.device.unknown': 'Un appareil inconnu',

    'shared.activity.withReason': '{text} ({reason})',
    'shared.activity.withDevice': '{text} («\u00a0{device}\u00a0»)',
    'shared.activity.login': 'Connexion',
    'shared.activity.loginRefused': 'Connexion refusée\u00a0: {why}',
    'shared.activity.refusal.password': 'mot de passe erroné',
    'shared.activity.refusal.untrusted_issuer': 'certificat non délivré par TEKUP_chat',
    'shared.activity.refusal.bad_certificate': 'certificat illisible',
    'shared.activity.refusal.expired': 'certificat expiré',
    'shared.activity.refusal.not_yet_valid': 'certificat pas encore valide',
    'shared.activity.refusal.not_owner': 'certificat autre que votre certificat actuel',
    'shared.activity.refusal.revoked': 'certificat révoqué',
    'shared.activity.refusal.bad_signature': 'clé ne correspondant pas au certificat',
    'shared.activity.refusal.other': 'motif non précisé',
    'shared.activity.passwordChanged': 'Mot de passe modifié',
    'shared.activity.passwordChangeRefused': 'Modification du mot de passe refusée\u00a0: le mot de passe actuel était erroné',
    'shared.activity.certificateRenewed': 'Certificat renouvelé avec une nouvelle clé',
    'shared.activity.certificateRenewedStolen': 'Certificat renouvelé\u00a0; l’ancienne clé a été signalée comme volée',
    'shared.activity.revokedByOperator': 'Un opérateur a révoqué votre certificat',
    'shared.activity.revokedDevice': 'Vous avez révoqué l’appareil «\u00a0{device}\u00a0»',
    'shared.activity.revokedOwn': 'Vous avez révoqué votre certificat',
    'shared.activity.recoveryCodeIssued': 'Un opérateur a émis un code de récupération',
    'shared.activity.recoveryCodeIssuedReset': 'Un opérateur a émis un code de récupération qui définit un nouveau mot de passe',
    'shared.activity.accessRecovered': 'Accès rétabli avec un code de récupération',
    'shared.activity.accessRecoveredReset': 'Accès rétabli avec un code de récupération et un nouveau mot de passe',
    'shared.activity.deviceLinkRequested': 'Un nouvel appareil a demandé à être associé',
    'shared.activity.deviceLinkApproved': 'Nouvel appareil associé',
    'shared.activity.deviceLinkRefused': 'Vous avez refusé d’associer un nouvel appareil',
    'shared.activity.deviceLinkFailedPassword': 'Association d’un nouvel appareil refusée\u00a0: mot de passe erroné',
    'shared.activity.deviceLinkFailedCodes': 'Association d’un nouvel appareil interrompue\u00a0: code erroné saisi cinq fois',
  },
} satisfies Catalogues<typeof en>;
