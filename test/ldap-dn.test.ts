// RFC 4514 §2.4: the characters a DN attribute value must escape, and only those (plus `=` and
// control characters, which may be escaped).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { escapeDnValue } from '../src/directory/ldap/dn.ts';

describe('escapeDnValue (RFC 4514)', () => {
  const cases: [string, string][] = [
    ['amira', 'amira'],
    ['admin,dc=x', 'admin\\,dc\\=x'],
    ['*)(uid=*', '*)(uid\\=*'],
    ['a+b;c<d>e"f\\g', 'a\\+b\\;c\\<d\\>e\\"f\\\\g'],
    ['#hash', '\\#hash'],
    ['mid#hash', 'mid#hash'],
    [' lead', '\\ lead'],
    ['trail ', 'trail\\ '],
    [' ', '\\ '],
    ['in side', 'in side'],
    ['nul\u0000byte', 'nul\\00byte'],
    ['new\nline', 'new\\0aline'],
    ['Ben Sàlah’', 'Ben Sàlah’'],
    ['', ''],
  ];
  for (const [raw, escaped] of cases) {
    it(`${JSON.stringify(raw)} → ${JSON.stringify(escaped)}`, () => assert.equal(escapeDnValue(raw), escaped));
  }

  it('leaves no unescaped separator, so the value stays one RDN', () => {
    for (const raw of ['a,b', 'a+b', 'a;b', 'x=y', 'uid=root,dc=x', '\\,']) {
      // Remove escaped pairs; what is left must hold no DN syntax character.
      const bare = escapeDnValue(raw).replace(/\\(?:[0-9a-f]{2}|.)/g, '');
      assert.doesNotMatch(bare, /[,+;=\\"<>]/, raw);
    }
  });
});
