// The envelope schemas of protocol §5 (v1) and §7 (v2), shared by the server route and the browser:
// exactly the fields of the protocol, each with its encoding and size; v1 keys for exactly from and
// to, v2 keys by certificate serial.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import fc from 'fast-check';
import {
  anyEnvelopeSchema,
  envelopeSchema,
  envelopeSigningText,
  envelopeV2Schema,
  FILES_MAX,
  isTime,
  RFC3339_MS_UTC,
  KEYS_MAX,
  plaintextSchema,
  plaintextV2Schema,
  unsigned,
  type Envelope,
  type EnvelopeV2,
  type PlaintextV2,
} from '../src/protocol/envelope.ts';
import { jcs } from '../src/client/jcs.ts';
import { issuesToFields } from '../src/protocol/enroll.ts';
import { toBase64 } from '../src/protocol/base64.ts';

const b64 = (n: number) => toBase64(crypto.getRandomValues(new Uint8Array(n)));
const good = (): Envelope => ({
  v: 1,
  id: crypto.randomUUID(),
  from: 'alice',
  to: 'bob.smith',
  sentAt: '2026-11-24T10:00:00.000Z',
  cert: '5f3a09c1d2e4b6a8',
  iv: b64(12),
  ct: b64(16 + 40),
  keys: { alice: b64(256), 'bob.smith': b64(256) },
  sig: b64(256),
});
/** The fields the schema names for `input`, {} when it passes. */
const fieldsOf = (input: unknown) => {
  const r = v.safeParse(envelopeSchema, input);
  return r.success ? {} : issuesToFields(r.issues);
};

describe('envelope schema', () => {
  it('accepts a §5 envelope, RSA-4096 sizes and a ciphertext of just the tag', () => {
    assert.deepEqual(fieldsOf(good()), {});
    assert.deepEqual(fieldsOf({ ...good(), sig: b64(512), keys: { alice: b64(512), 'bob.smith': b64(384) } }), {});
    assert.deepEqual(fieldsOf({ ...good(), ct: b64(16) }), {});
  });

  it('names the field of each wrong value', () => {
    const e = good();
    const cases: [Partial<Record<keyof Envelope, unknown>>, string][] = [
      [{ v: 2 }, 'v'],
      [{ v: '1' }, 'v'],
      [{ id: 'not-a-uuid' }, 'id'],
      [{ id: e.id.toUpperCase() }, 'id'],
      [{ id: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' }, 'id'], // v1
      [{ from: 'Alice' }, 'from'],
      [{ to: 'b' }, 'to'],
      [{ sentAt: '2026-11-24T10:00:00Z' }, 'sentAt'],
      [{ sentAt: '2026-11-24T10:00:00.000+01:00' }, 'sentAt'],
      [{ sentAt: '2026-02-30T10:00:00.000Z' }, 'sentAt'],
      [{ cert: 'ABCDEF' }, 'cert'],
      [{ cert: '5f:3a' }, 'cert'],
      [{ cert: 'a'.repeat(41) }, 'cert'],
      [{ iv: b64(16) }, 'iv'],
      [{ iv: b64(12).replace(/=*$/, '') + '=' }, 'iv'],
      [{ ct: b64(15) }, 'ct'],
      [{ ct: 'not base64!' }, 'ct'],
      [{ sig: b64(128) }, 'sig'],
      [{ sig: b64(256).replace(/\+/g, '-') + '-' }, 'sig'],
      [{ keys: [] }, 'keys'],
      [{ keys: { alice: b64(256) } }, 'keys'],
      [{ keys: { alice: b64(256), carol: b64(256) } }, 'keys'],
      [{ keys: { alice: b64(256), 'bob.smith': b64(256), carol: b64(256) } }, 'keys'],
      [{ keys: { alice: b64(256), 'bob.smith': b64(100) } }, 'keys'],
    ];
    for (const [change, field] of cases) {
      const fields = fieldsOf({ ...e, ...change });
      assert.ok(field in fields, `${JSON.stringify(change).slice(0, 60)} → ${JSON.stringify(fields)}`);
    }
  });

  it('refuses a message to oneself', () => {
    const e = good();
    assert.match(fieldsOf({ ...e, to: 'alice' }).to, /another user/);
  });

  it('refuses unknown and missing fields', () => {
    assert.match(fieldsOf({ ...good(), text: 'leak' }).text, /Unknown field/);
    const { sig: _s, ...noSig } = good();
    assert.ok('sig' in fieldsOf(noSig));
    assert.ok('_' in fieldsOf(null));
    assert.notDeepEqual(fieldsOf([good()]), {});
  });

  it('does not let __proto__ or constructor in keys through', () => {
    const e = good();
    const polluted = JSON.parse(JSON.stringify({ ...e, keys: {} }).replace('"keys":{}', `"keys":{"__proto__":"${b64(256)}","alice":"${b64(256)}"}`));
    assert.ok('keys' in fieldsOf(polluted));
    assert.ok('keys' in fieldsOf({ ...e, keys: { constructor: b64(256), alice: b64(256) } }));
  });
});

describe('plaintext schema', () => {
  it('accepts exactly the §5 plaintext fields', () => {
    const p = { v: 1, id: crypto.randomUUID(), from: 'alice', to: 'bob', sentAt: '2026-11-24T10:00:00.000Z', text: 'hi', sig: b64(256) };
    assert.ok(v.is(plaintextSchema, p));
    assert.ok(!v.is(plaintextSchema, { ...p, extra: 1 }));
    assert.ok(!v.is(plaintextSchema, { ...p, text: 5 }));
    const { text: _t, ...noText } = p;
    assert.ok(!v.is(plaintextSchema, noText));
  });
});

describe('the envelope signing text', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 40 });
  const envelopeLike = fc.record({
    v: fc.constant(1 as const),
    id: text,
    from: text,
    to: text,
    sentAt: text,
    cert: text,
    iv: text,
    ct: text,
    // Keys that look like array indices too: a plain object would put "9" before "10".
    keys: fc.dictionary(fc.oneof(text, fc.nat().map(String)), text, { maxKeys: 4 }),
    sig: text,
  });

  it('is RFC 8785 of the envelope without sig, for any strings', () => {
    fc.assert(
      fc.property(envelopeLike, (e) => {
        assert.equal(envelopeSigningText(e), jcs(unsigned(e)));
      }),
      { numRuns: 2000 },
    );
  });

  it('is RFC 8785 of a real envelope, whatever order its members came in', () => {
    const e = good();
    const shuffled = Object.fromEntries(Object.entries(e).reverse()) as unknown as Envelope;
    assert.equal(envelopeSigningText(shuffled), jcs(unsigned(e)));
    assert.ok(envelopeSigningText(e).startsWith('{"cert":"5f3a09c1d2e4b6a8","ct":'));
  });
});

const hex = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, '0')).join('');
const GROUP = 'group:0f8fad5b-d9cb-469f-a165-70867728950e';
const goodV2 = (): EnvelopeV2 => ({
  v: 2,
  id: crypto.randomUUID(),
  from: 'alice',
  cert: '5f3a09c1d2e4b6a8',
  to: 'bob.smith',
  sentAt: '2026-11-24T10:00:00.000Z',
  iv: b64(12),
  ct: b64(16 + 40),
  keys: { '5f3a09c1d2e4b6a8': b64(256), '0a1b': b64(256), '7e00ff': b64(512) },
  sig: b64(256),
});
const fieldsOfV2 = (input: unknown) => {
  const r = v.safeParse(envelopeV2Schema, input);
  return r.success ? {} : issuesToFields(r.issues);
};
const fieldsOfAny = (input: unknown) => {
  const r = v.safeParse(anyEnvelopeSchema, input);
  return r.success ? {} : issuesToFields(r.issues);
};

describe('envelope v2 schema (§7)', () => {
  it('accepts a 1:1 envelope, a group one with its epoch, files, and one key up to KEYS_MAX', () => {
    assert.deepEqual(fieldsOfV2(goodV2()), {});
    assert.deepEqual(fieldsOfV2({ ...goodV2(), to: GROUP, epoch: 7 }), {});
    assert.deepEqual(fieldsOfV2({ ...goodV2(), files: [hex(32), hex(32)] }), {});
    assert.deepEqual(fieldsOfV2({ ...goodV2(), keys: { ab: b64(256) } }), {});
    const wrapped = b64(256);
    const many = Object.fromEntries(Array.from({ length: KEYS_MAX }, (_, i) => [i.toString(16), wrapped]));
    assert.deepEqual(fieldsOfV2({ ...goodV2(), keys: many }), {});
    assert.ok('keys' in fieldsOfV2({ ...goodV2(), keys: { ...many, ffffff: wrapped } }));
  });

  it('names the field of each wrong value, with its message', () => {
    const e = goodV2();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ v: 1 }, 'v', /v must be 2/],
      [{ v: '2' }, 'v', /v must be 2/],
      [{ id: e.id.toUpperCase() }, 'id', /lowercase UUIDv4/],
      [{ id: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' }, 'id', /UUIDv4/],
      [{ from: 'Alice' }, 'from', /not a valid login/],
      [{ from: GROUP }, 'from', /not a valid login/],
      [{ cert: 'ABCDEF' }, 'cert', /lowercase hex/],
      [{ cert: 'a'.repeat(41) }, 'cert', /serial/],
      [{ to: 'B' }, 'to', /login or "group:"/],
      [{ to: 'group:' + crypto.randomUUID().toUpperCase() }, 'to', /login or "group:"/],
      [{ to: 'group:alice' }, 'to', /login or "group:"/],
      [{ to: 'alice' }, 'to', /another user/],
      [{ epoch: 3 }, 'epoch', /only for one/], // 1:1 with an epoch
      [{ to: GROUP }, 'epoch', /required for a group/], // group without one
      [{ to: GROUP, epoch: 0 }, 'epoch', /positive integer/],
      [{ to: GROUP, epoch: 1.5 }, 'epoch', /positive integer/],
      [{ to: GROUP, epoch: '2' }, 'epoch', /positive integer/],
      [{ to: GROUP, epoch: 2 ** 53 }, 'epoch', /positive integer/],
      [{ sentAt: '2026-11-24T10:00:00Z' }, 'sentAt', /milliseconds/],
      [{ iv: b64(16) }, 'iv', /12 bytes/],
      [{ ct: b64(15) }, 'ct', /GCM tag/],
      [{ ct: 'A'.repeat(64 * 1024 + 4) }, 'ct', /too long/],
      [{ files: [] }, 'files', /at least one/],
      [{ files: [crypto.randomUUID()] }, 'files', /hex SHA-256/],
      [{ files: [hex(32).toUpperCase()] }, 'files', /hex SHA-256/],
      [{ files: Array.from({ length: FILES_MAX + 1 }, () => hex(32)) }, 'files', /at most 10/],
      [{ files: ((f) => [f, f])(hex(32)) }, 'files', /twice/],
      [{ files: 'x' }, 'files', /list of attachment ids/],
      [{ keys: {} }, 'keys', /1 to 2560/],
      [{ keys: [] }, 'keys', /map certificate serials/],
      [{ keys: [b64(256)] }, 'keys', /map certificate serials/], // "0" would be a serial
      [{ keys: { alice: b64(256) } }, 'keys', /lowercase hex/], // v1 keys by login
      [{ keys: { ABCD: b64(256) } }, 'keys', /lowercase hex/],
      [{ keys: { abcd: b64(100) } }, 'keys', /RSA-2048 or larger/],
      [{ sig: b64(128) }, 'sig', /RSA-2048 or larger/],
      [{ text: 'leak' }, 'text', /Unknown field text/],
    ];
    for (const [change, field, message] of cases) {
      const fields = fieldsOfV2({ ...e, ...change });
      assert.ok(field in fields, `${JSON.stringify(change).slice(0, 60)} → ${JSON.stringify(fields)}`);
      assert.match(fields[field], message, `${JSON.stringify(change).slice(0, 60)}`);
    }
    const { keys: _k, ...noKeys } = e;
    assert.match(fieldsOfV2(noKeys).keys, /Missing field keys/);
  });

  it('does not let __proto__ or constructor in keys through', () => {
    const polluted = JSON.parse(JSON.stringify({ ...goodV2(), keys: {} }).replace('"keys":{}', `"keys":{"__proto__":"${b64(256)}","abcd":"${b64(256)}"}`));
    assert.ok('keys' in fieldsOfV2(polluted));
    assert.ok('keys' in fieldsOfV2({ ...goodV2(), keys: { constructor: b64(256), abcd: b64(256) } }));
  });
});

describe('either envelope version', () => {
  it('takes v1 and v2 each by its own schema', () => {
    assert.deepEqual(fieldsOfAny(good()), {});
    assert.deepEqual(fieldsOfAny(goodV2()), {});
    // each version's rules, not the other's: v1 keys by login, v2 by serial
    assert.ok('keys' in fieldsOfAny({ ...good(), keys: goodV2().keys }));
    assert.ok('keys' in fieldsOfAny({ ...goodV2(), keys: good().keys }));
    assert.match(fieldsOfAny({ ...good(), epoch: 1 }).epoch, /Unknown field/);
  });

  it('says a wrong v must be 1 or 2', () => {
    for (const bad of [0, 3, '1', null, undefined]) assert.equal(fieldsOfAny({ ...goodV2(), v: bad }).v, 'v must be 1 or 2.');
    const { v: _v, ...noV } = goodV2();
    assert.equal(fieldsOfAny(noV).v, 'v must be 1 or 2.');
    assert.equal(fieldsOfAny(null)._, 'Send an envelope object.');
    assert.equal(fieldsOfAny([goodV2()])._, 'Send an envelope object.');
  });
});

describe('plaintext v2 schema', () => {
  const attachment = () => ({ id: hex(32), key: b64(32), iv: b64(12), name: 'photo.jpg', type: 'image/jpeg', size: 123_456, sha256: hex(32) });
  const p = (): PlaintextV2 => ({ v: 2, id: crypto.randomUUID(), from: 'alice', cert: 'ab12', to: GROUP, sentAt: '2026-11-24T10:00:00.000Z', text: 'hi', sig: b64(256) });

  it('accepts the §7 plaintext, with or without §8 attachments', () => {
    assert.ok(v.is(plaintextV2Schema, p()));
    assert.ok(v.is(plaintextV2Schema, { ...p(), to: 'bob' }));
    assert.ok(v.is(plaintextV2Schema, { ...p(), attachments: [attachment(), { ...attachment(), type: '', size: 0 }] }));
  });

  it('refuses anything else', () => {
    const { cert: _c, ...noCert } = p();
    for (const bad of [
      { ...p(), v: 1 },
      noCert,
      { ...p(), epoch: 1 }, // epoch is under the outer signature only
      { ...p(), extra: 1 },
      { ...p(), text: 5 },
      { ...p(), attachments: [] },
      { ...p(), attachments: Array.from({ length: FILES_MAX + 1 }, attachment) },
      { ...p(), attachments: [{ ...attachment(), key: b64(16) }] },
      { ...p(), attachments: [{ ...attachment(), iv: b64(16) }] },
      { ...p(), attachments: [{ ...attachment(), size: -1 }] },
      { ...p(), attachments: [{ ...attachment(), size: 1.5 }] },
      { ...p(), attachments: [{ ...attachment(), name: '' }] },
      { ...p(), attachments: [{ ...attachment(), sha256: 'x' }] },
      { ...p(), attachments: [{ ...attachment(), extra: true }] },
    ]) {
      assert.ok(!v.is(plaintextV2Schema, bad), JSON.stringify(bad).slice(0, 120));
    }
    // v1 and v2 plaintexts are not interchangeable
    const { cert: _x, ...asV1 } = { ...p(), v: 1, to: 'bob' };
    assert.ok(v.is(plaintextSchema, asV1));
    assert.ok(!v.is(plaintextV2Schema, asV1));
  });
});

describe('the envelope v2 signing text', () => {
  // Control characters, line separators, quotes and backslashes beside ordinary text: JSON escaping
  // is where a hand-written canonical form would go wrong. (Lone surrogates have no JCS form at all.)
  const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary-ascii', maxLength: 10 }), fc.constantFrom('\u2028', '"\\', '\u007f\u0000'));
  const envelopeLike = fc.record(
    {
      v: fc.constant(2 as const),
      id: text,
      from: text,
      cert: text,
      to: text,
      epoch: fc.oneof(fc.integer({ min: 1 }), fc.maxSafeNat(), fc.constant(undefined)),
      sentAt: text,
      iv: text,
      ct: text,
      files: fc.array(text, { maxLength: 4 }),
      keys: fc.dictionary(fc.oneof(text, fc.nat().map(String), fc.nat().map((n) => n.toString(16))), text, { maxKeys: 5 }),
      sig: text,
    },
    // epoch and files are optional: absent, or (epoch) present as undefined
    { requiredKeys: ['v', 'id', 'from', 'cert', 'to', 'sentAt', 'iv', 'ct', 'keys', 'sig'] },
  ) as fc.Arbitrary<EnvelopeV2>;

  it('is RFC 8785 of the envelope without sig, for any strings, with and without epoch and files', () => {
    fc.assert(
      fc.property(envelopeLike, (e) => {
        assert.equal(envelopeSigningText(e), jcs(unsigned(e)));
      }),
      { numRuns: 3000 },
    );
  });

  it('is RFC 8785 of a real envelope, whatever order its members came in', () => {
    const e: EnvelopeV2 = { ...goodV2(), to: GROUP, epoch: 12, files: [hex(32), hex(32)] };
    const shuffled = Object.fromEntries(Object.entries(e).reverse()) as unknown as EnvelopeV2;
    assert.equal(envelopeSigningText(shuffled), jcs(unsigned(e)));
    assert.ok(envelopeSigningText(e).startsWith('{"cert":"5f3a09c1d2e4b6a8","ct":'));
    assert.match(envelopeSigningText(e), /,"epoch":12,"files":\["[0-9a-f]{64}","[0-9a-f]{64}"\],"from":"alice",/);
    assert.ok(envelopeSigningText(e).endsWith(`"to":"${GROUP}","v":2}`));
    // a v1 envelope still gets the v1 text
    const v1 = good();
    assert.equal(envelopeSigningText(v1), jcs(unsigned(v1)));
  });
});

describe('the envelope time check', () => {
  // What it replaced: parse the text and write it back, the same text or no instant at all.
  const roundTrip = (s: string) => RFC3339_MS_UTC.test(s) && !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s;
  const two = (n: number) => String(n).padStart(2, '0');

  it('agrees with parsing and formatting again, edges and leap years included', () => {
    const edges = [
      '2026-11-24T10:00:00.000Z', '2024-02-29T00:00:00.000Z', '2023-02-29T00:00:00.000Z', '2000-02-29T23:59:59.999Z',
      '1900-02-29T00:00:00.000Z', '0000-02-29T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '0000-01-01T00:00:00.000Z',
      '2026-00-10T00:00:00.000Z', '2026-13-10T00:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-04-00T00:00:00.000Z',
      '2026-01-32T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T23:60:00.000Z', '2026-01-01T23:59:60.000Z',
      '2026-1-01T00:00:00.000Z', '2026-01-01T00:00:00Z', '2026-01-01 00:00:00.000Z', '',
    ];
    for (const s of edges) assert.equal(isTime(s), roundTrip(s), s);
  });

  it('agrees on any digits in any field', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 999 }),
        (y, mo, d, h, mi, sec, ms) => {
          const s = `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(sec)}.${String(ms).padStart(3, '0')}Z`;
          assert.equal(isTime(s), roundTrip(s), s);
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
