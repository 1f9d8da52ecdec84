// The shared text helpers (src/shared/format.ts) in French: relative times, dates, devices,
// revocation reasons and security activity; English exactly as before, whether asked for or left
// to the default; and the catalogue they read (src/shared/i18n/shared-messages.ts) kept whole.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  activityText,
  dateLocale,
  deviceText,
  localTime,
  relativeText,
  revocationReasonText,
  serverTimeOptions,
  serverTimeText,
} from '../src/shared/format.ts';
import SHARED_MESSAGES from '../src/shared/i18n/shared-messages.ts';
import { translator, type Message } from '../src/shared/i18n/translate.ts';

const NBSP = '\u00a0';
const iso = '2026-11-24T22:12:00.000Z';
const at = Date.parse(iso);
const later = (seconds: number) => at + seconds * 1000;

describe('relativeText in French', () => {
  const fr = { locale: 'fr', timeZone: 'UTC' };

  it('words recent moments as a French reader expects them', () => {
    assert.equal(relativeText(iso, later(10), fr), 'à l’instant');
    assert.equal(relativeText(iso, later(2 * 60), fr), `il y a 2${NBSP}min`);
    assert.equal(relativeText(iso, later(59 * 60), fr), `il y a 59${NBSP}min`);
    assert.equal(relativeText(iso, later(3 * 3600), fr), `il y a 3${NBSP}h`);
    assert.equal(relativeText(iso, later(26 * 3600), fr), 'hier');
    assert.equal(relativeText(iso, later(3 * 86_400), fr), `il y a 3${NBSP}jours`);
    assert.equal(relativeText(iso, later(6 * 86_400), fr), `il y a 6${NBSP}jours`);
  });

  it('past a week, the day in French', () => {
    assert.equal(relativeText(iso, later(30 * 86_400), fr), '24 novembre 2026');
  });

  it('writes what Intl.RelativeTimeFormat writes for French, short style', () => {
    const rtf = new Intl.RelativeTimeFormat('fr', { numeric: 'auto', style: 'short' });
    assert.equal(relativeText(iso, later(2 * 60), fr), rtf.format(-2, 'minute'));
    assert.equal(relativeText(iso, later(3 * 3600), fr), rtf.format(-3, 'hour'));
    assert.equal(relativeText(iso, later(26 * 3600), fr), rtf.format(-1, 'day'));
  });

  it("takes the words' language from any regional form of the locale", () => {
    assert.equal(relativeText(iso, later(2 * 60), { locale: 'fr-CA' }), `il y a 2${NBSP}min`);
    assert.equal(relativeText(iso, later(2 * 60), { locale: 'en-GB' }), '2 min ago');
    // A language the interface does not speak: English words, as before.
    assert.equal(relativeText(iso, later(2 * 60), { locale: 'de-DE' }), '2 min ago');
  });

  it('stays English, word for word, without a locale or with an English one', () => {
    for (const o of [undefined, { locale: 'en' }, { locale: 'en-GB', timeZone: 'UTC' }]) {
      assert.equal(relativeText(iso, later(10), o), 'just now');
      assert.equal(relativeText(iso, later(5 * 60), o), '5 min ago');
      assert.equal(relativeText(iso, later(2 * 3600), o), '2 h ago');
      assert.equal(relativeText(iso, later(26 * 3600), o), 'yesterday');
      assert.equal(relativeText(iso, later(3 * 86_400), o), '3 days ago');
    }
  });

  it('gives nothing for what it cannot read, in either language', () => {
    assert.equal(relativeText('not a time', later(0), fr), '');
  });
});

describe('plural forms of the shared catalogue', () => {
  it('French says 0 and 1 in the singular, English only 1', () => {
    const fr = translator(SHARED_MESSAGES, 'fr');
    const en = translator(SHARED_MESSAGES, 'en');
    assert.equal(fr('shared.time.daysAgo', { count: 0 }), `il y a 0${NBSP}jour`);
    assert.equal(fr('shared.time.daysAgo', { count: 1 }), `il y a 1${NBSP}jour`);
    assert.equal(fr('shared.time.daysAgo', { count: 2 }), `il y a 2${NBSP}jours`);
    assert.equal(en('shared.time.daysAgo', { count: 0 }), '0 days ago');
    assert.equal(en('shared.time.daysAgo', { count: 1 }), '1 day ago');
    assert.equal(en('shared.time.daysAgo', { count: 2 }), '2 days ago');
  });
});

describe('dates in French', () => {
  it('localTime writes French when given a French locale', () => {
    assert.equal(localTime(iso, 'date', { locale: 'fr', timeZone: 'UTC' }), '24 novembre 2026');
    assert.equal(localTime(iso, 'time', { locale: 'fr', timeZone: 'Africa/Tunis' }), '23:12');
    assert.equal(localTime(iso, 'datetime', { locale: 'fr', timeZone: 'UTC' }), '24 novembre 2026 à 22:12');
  });

  it("the server's UTC fallback is in the page's language; English as before by default", () => {
    assert.equal(serverTimeText(iso, 'time', 'fr'), '22:12 UTC');
    assert.equal(serverTimeText(iso, 'date', 'fr'), '24 novembre 2026');
    assert.equal(serverTimeText(iso, 'datetime', 'fr'), '24 novembre 2026 à 22:12 UTC');
    assert.equal(serverTimeText(iso, 'date', 'en'), '24 November 2026');
    assert.equal(serverTimeText(iso, 'date'), '24 November 2026');
    assert.deepEqual(serverTimeOptions(), { locale: 'en-GB', timeZone: 'UTC' });
  });

  it("the browser keeps the reader's regional form of the page's language, never another language", () => {
    assert.equal(dateLocale('fr', ['en-US', 'fr-CA', 'fr']), 'fr-CA');
    assert.equal(dateLocale('fr', ['en-GB', 'de']), 'fr');
    assert.equal(dateLocale('en', ['fr-FR', 'en-GB']), 'en-GB');
    assert.equal(dateLocale('en'), 'en');
    // A malformed tag is passed over rather than left to make toLocale* throw.
    assert.equal(dateLocale('fr', ['fr-!!', 'fr-BE']), 'fr-BE');
  });
});

describe('revocationReasonText in French', () => {
  it('words every RFC 5280 reason the pages show', () => {
    assert.equal(revocationReasonText('keyCompromise', 'fr'), 'clé compromise');
    assert.equal(revocationReasonText('superseded', 'fr'), 'remplacé lors d’un renouvellement');
    assert.equal(revocationReasonText('privilegeWithdrawn', 'fr'), 'retiré par l’opérateur');
    assert.equal(revocationReasonText('unspecified', 'fr'), 'aucun motif indiqué');
  });

  it('gives back a reason it does not know, in either language', () => {
    assert.equal(revocationReasonText('certificateHold', 'fr'), 'certificateHold');
    assert.equal(revocationReasonText('toString', 'fr'), 'toString');
    assert.equal(revocationReasonText('toString'), 'toString');
  });

  it('stays English by default', () => {
    assert.equal(revocationReasonText('keyCompromise'), 'key compromised');
    assert.equal(revocationReasonText('keyCompromise', 'en'), 'key compromised');
  });
});

describe('deviceText in French', () => {
  const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
  const safari = 'Mozilla/5.0 (iPhone; CPU iPhone OS 19_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/19.0 Mobile/15E148 Safari/604.1';

  it('names the browser and the system', () => {
    assert.equal(deviceText(firefox, 'fr'), 'Firefox sous Linux');
    assert.equal(deviceText(safari, 'fr'), 'Safari sous iOS');
  });

  it('an unknown device, and a script by its own name', () => {
    assert.equal(deviceText(null, 'fr'), 'Un appareil inconnu');
    assert.equal(deviceText('', 'fr'), 'Un appareil inconnu');
    assert.equal(deviceText('curl/8.14.1', 'fr'), 'curl');
  });

  it('stays English by default', () => {
    assert.equal(deviceText(firefox), 'Firefox on Linux');
    assert.equal(deviceText(null), 'An unknown device');
  });
});

describe('activityText in French', () => {
  const cases: [Parameters<typeof activityText>[0], string, boolean][] = [
    [{ kind: 'login' }, 'Connexion', false],
    [{ kind: 'login_refused', reason: 'password' }, `Connexion refusée${NBSP}: mot de passe erroné`, true],
    [{ kind: 'login_refused', reason: 'untrusted_issuer' }, `Connexion refusée${NBSP}: certificat non délivré par TEKUP_chat`, true],
    [{ kind: 'login_refused', reason: 'something_new' }, `Connexion refusée${NBSP}: motif non précisé`, true],
    [{ kind: 'password_changed' }, 'Mot de passe modifié', false],
    [{ kind: 'password_change_refused' }, `Modification du mot de passe refusée${NBSP}: le mot de passe actuel était erroné`, true],
    [{ kind: 'certificate_renewed', reason: 'superseded' }, 'Certificat renouvelé avec une nouvelle clé', false],
    [{ kind: 'certificate_renewed', reason: 'keyCompromise' }, `Certificat renouvelé${NBSP}; l’ancienne clé a été signalée comme volée`, false],
    [{ kind: 'certificate_revoked', reason: 'keyCompromise', by: 'operator' }, 'Un opérateur a révoqué votre certificat (clé compromise)', true],
    [{ kind: 'certificate_revoked', by: 'operator' }, 'Un opérateur a révoqué votre certificat', true],
    [{ kind: 'certificate_revoked', reason: 'keyCompromise', by: 'you' }, 'Vous avez révoqué votre certificat (clé compromise)', false],
    [{ kind: 'certificate_revoked', reason: 'cessationOfOperation', by: 'you', deviceName: 'Téléphone' }, `Vous avez révoqué l’appareil «${NBSP}Téléphone${NBSP}» (plus utilisé)`, false],
    [{ kind: 'recovery_code_issued' }, 'Un opérateur a émis un code de récupération', true],
    [{ kind: 'recovery_code_issued', reason: 'password_reset' }, 'Un opérateur a émis un code de récupération qui définit un nouveau mot de passe', true],
    [{ kind: 'access_recovered' }, 'Accès rétabli avec un code de récupération', true],
    [{ kind: 'access_recovered', reason: 'password_reset' }, 'Accès rétabli avec un code de récupération et un nouveau mot de passe', true],
    [{ kind: 'device_link_requested', deviceName: 'Téléphone' }, `Un nouvel appareil a demandé à être associé («${NBSP}Téléphone${NBSP}»)`, false],
    [{ kind: 'device_link_requested' }, 'Un nouvel appareil a demandé à être associé', false],
    [{ kind: 'device_link_approved', deviceName: 'Téléphone' }, `Nouvel appareil associé («${NBSP}Téléphone${NBSP}»)`, false],
    [{ kind: 'device_link_refused' }, 'Vous avez refusé d’associer un nouvel appareil', false],
    [{ kind: 'device_link_failed', reason: 'password' }, `Association d’un nouvel appareil refusée${NBSP}: mot de passe erroné`, true],
    [{ kind: 'device_link_failed', reason: 'wrong_codes', deviceName: 'Téléphone' }, `Association d’un nouvel appareil interrompue${NBSP}: code erroné saisi cinq fois («${NBSP}Téléphone${NBSP}»)`, true],
    [{ kind: 'some_future_kind' }, 'some_future_kind', false],
  ];

  it('words every kind of security event, and flags the same ones as in English', () => {
    for (const [entry, text, alert] of cases) {
      assert.deepEqual(activityText(entry, 'fr'), { text, alert }, JSON.stringify(entry));
      assert.equal(activityText(entry, 'en').alert, alert, JSON.stringify(entry));
    }
  });

  it('a device name is shown as given, even one that looks like a placeholder', () => {
    assert.equal(activityText({ kind: 'device_link_approved', deviceName: '{reason}' }, 'fr').text, `Nouvel appareil associé («${NBSP}{reason}${NBSP}»)`);
  });

  it("English, asked for or by default, is what it has always been", () => {
    for (const [entry] of cases) assert.deepEqual(activityText(entry, 'en'), activityText(entry), JSON.stringify(entry));
    assert.deepEqual(activityText({ kind: 'login_refused', reason: 'something_new' }), { text: 'Login refused: refused', alert: true });
    assert.deepEqual(activityText({ kind: 'certificate_revoked', reason: 'keyCompromise', by: 'operator' }), { text: 'An operator revoked your certificate (key compromised)', alert: true });
  });
});

describe('the shared catalogue', () => {
  const forms = (m: Message): string[] => (typeof m === 'string' ? [m] : Object.values(m).filter((f): f is string => typeof f === 'string'));
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((p) => p[1]).sort();
  const en = SHARED_MESSAGES.en as Record<string, Message>;
  const fr = SHARED_MESSAGES.fr as Record<string, Message>;

  it('has the same keys in French as in English, all under "shared."', () => {
    assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
    for (const key of Object.keys(en)) assert.match(key, /^shared\./);
  });

  it('every French message keeps the {placeholders} of its English one, in every plural form', () => {
    for (const key of Object.keys(en)) {
      const expected = [...new Set(forms(en[key]).flatMap(placeholders))].sort();
      for (const form of forms(fr[key])) assert.deepEqual([...new Set(placeholders(form))].sort(), expected, `${key}: ${form}`);
    }
  });

  it('writes French with French typography: ’, and a no-break space before : ; ? ! and inside « »', () => {
    for (const [key, message] of Object.entries(fr)) {
      for (const form of forms(message)) {
        assert.doesNotMatch(form, /['"]/, `${key}: ${form}`);
        assert.doesNotMatch(form, /[^\u00a0][:;?!»]|«[^\u00a0]/, `${key}: ${form}`);
      }
    }
  });
});
