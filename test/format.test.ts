// How the pages word a session's device (src/shared/format.ts): the browser and system someone
// recognises, from real User-Agent strings; and the one way every page writes a moment (localTime).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activityText, deviceText, localTime, relativeText, serverTimeText } from '../src/shared/format.ts';

describe('deviceText', () => {
  const cases: [string | null, string][] = [
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36', 'Chrome on Linux'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0', 'Firefox on Windows'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0', 'Edge on Windows'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 19_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/19.0 Mobile/15E148 Safari/604.1', 'Safari on iOS'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/19.0 Safari/605.1.15', 'Safari on macOS'],
    ['Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36', 'Chrome on Android'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36', 'Chrome on Linux'],
    ['curl/8.14.1', 'curl'],
    ['python-requests/2.32', 'python-requests'],
    ['node', 'node'],
    [null, 'An unknown device'],
    ['', 'An unknown device'],
  ];
  for (const [ua, expected] of cases) {
    it(`${JSON.stringify(ua)?.slice(0, 60)} → ${expected}`, () => assert.equal(deviceText(ua), expected));
  }
});

describe('activityText', () => {
  it('words every kind of security event, and flags those the owner should look at twice', () => {
    const cases: [Parameters<typeof activityText>[0], string, boolean][] = [
      [{ kind: 'login' }, 'Logged in', false],
      [{ kind: 'login_refused', reason: 'password' }, 'Login refused: a wrong password', true],
      [{ kind: 'login_refused', reason: 'untrusted_issuer' }, 'Login refused: a certificate TEKUP_chat did not issue', true],
      [{ kind: 'login_refused', reason: 'bad_signature' }, 'Login refused: a key that does not match the certificate', true],
      [{ kind: 'password_changed' }, 'Password changed', false],
      [{ kind: 'password_change_refused' }, 'Password change refused: the current password was wrong', true],
      [{ kind: 'certificate_renewed', reason: 'superseded' }, 'Certificate renewed with a new key', false],
      [{ kind: 'certificate_renewed', reason: 'keyCompromise' }, 'Certificate renewed; the old key was reported stolen', false],
      [{ kind: 'certificate_revoked', reason: 'keyCompromise', by: 'you' }, 'You revoked your certificate (key compromised)', false],
      [{ kind: 'certificate_revoked', reason: 'cessationOfOperation', by: 'you', deviceName: 'Phone' }, 'You revoked the device "Phone" (no longer used)', false],
      [{ kind: 'certificate_revoked', reason: 'privilegeWithdrawn', by: 'operator' }, 'An operator revoked your certificate (withdrawn by the operator)', true],
      [{ kind: 'recovery_code_issued' }, 'An operator issued a recovery code', true],
      [{ kind: 'recovery_code_issued', reason: 'password_reset' }, 'An operator issued a recovery code that sets a new password', true],
      [{ kind: 'access_recovered' }, 'Access recovered with a recovery code', true],
      [{ kind: 'access_recovered', reason: 'password_reset' }, 'Access recovered with a recovery code and a new password', true],
      [{ kind: 'device_link_requested', deviceName: 'Phone' }, 'A new device asked to be linked ("Phone")', false],
      [{ kind: 'device_link_approved', deviceName: 'Phone' }, 'New device linked ("Phone")', false],
      [{ kind: 'device_link_refused', deviceName: 'Phone' }, 'You refused to link a new device ("Phone")', false],
      [{ kind: 'device_link_failed', reason: 'password' }, 'Linking a new device refused: a wrong password', true],
      [{ kind: 'device_link_failed', reason: 'wrong_codes', deviceName: 'Phone' }, 'Linking a new device ended: the code was wrong five times ("Phone")', true],
    ];
    for (const [entry, text, alert] of cases) assert.deepEqual(activityText(entry), { text, alert }, JSON.stringify(entry));
  });
});

describe('localTime: one format for every moment a page shows', () => {
  const iso = '2026-11-24T22:12:00.000Z';
  const tunis = { locale: 'en-GB', timeZone: 'Africa/Tunis' };

  it("writes the clock time in the reader's zone and locale, never with a zone suffix", () => {
    assert.equal(localTime(iso, 'time', tunis), '23:12');
    assert.equal(localTime(iso, 'time', { locale: 'en-US', timeZone: 'Africa/Tunis' }), '11:12 PM');
    assert.equal(localTime(iso, 'time', { locale: 'fr-FR', timeZone: 'UTC' }), '22:12');
  });

  it("writes the day in the reader's zone: late evening in UTC is already tomorrow in Auckland", () => {
    assert.equal(localTime(iso, 'date', { locale: 'en-GB', timeZone: 'UTC' }), '24 November 2026');
    assert.equal(localTime(iso, 'date', { locale: 'en-GB', timeZone: 'Pacific/Auckland' }), '25 November 2026');
  });

  it('writes both for a full moment (the default), with the same pieces as the two others', () => {
    const both = localTime(iso, 'datetime', tunis);
    assert.equal(localTime(iso, undefined, tunis), both);
    assert.ok(both.includes(localTime(iso, 'date', tunis)) && both.includes(localTime(iso, 'time', tunis)), both);
    assert.doesNotMatch(both, /UTC|GMT|Z$/);
  });

  it("uses the reader's own locale and zone when given none", () => {
    const d = new Date(iso);
    assert.equal(localTime(iso, 'time'), d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }));
  });

  it('gives back what it cannot read, rather than "Invalid Date"', () => {
    assert.equal(localTime('not a time', 'date'), 'not a time');
    assert.equal(localTime('', 'time'), '');
  });

  it('the server writes UTC, said so, for pages read without the script', () => {
    assert.equal(serverTimeText(iso, 'time'), '22:12 UTC');
    assert.equal(serverTimeText(iso, 'date'), '24 November 2026');
    assert.match(serverTimeText(iso, 'datetime'), /^24 November 2026.*22:12 UTC$/);
  });

  it('"5 min ago" wording past a week falls back to the same day format', () => {
    const now = Date.parse(iso) + 30 * 86_400_000;
    assert.equal(relativeText(iso, now, { locale: 'en-GB', timeZone: 'UTC' }), '24 November 2026');
    assert.equal(relativeText(iso, Date.parse(iso) + 5 * 60_000), '5 min ago');
  });
});
