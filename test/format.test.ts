// How the pages word a session's device (src/web/pages/format.ts): the browser and system someone
// recognises, from real User-Agent strings.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activityText, deviceText } from '../src/web/pages/format.ts';

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
      [{ kind: 'certificate_revoked', reason: 'privilegeWithdrawn', by: 'operator' }, 'An operator revoked your certificate (withdrawn by the operator)', true],
      [{ kind: 'recovery_code_issued' }, 'An operator issued a recovery code', true],
      [{ kind: 'recovery_code_issued', reason: 'password_reset' }, 'An operator issued a recovery code that sets a new password', true],
      [{ kind: 'access_recovered' }, 'Access recovered with a recovery code', true],
      [{ kind: 'access_recovered', reason: 'password_reset' }, 'Access recovered with a recovery code and a new password', true],
    ];
    for (const [entry, text, alert] of cases) assert.deepEqual(activityText(entry), { text, alert }, JSON.stringify(entry));
  });
});
