// The envelope schema of protocol §5, shared by the server route and the browser: exactly the
// fields of the protocol, each with its encoding and size, and keys for exactly from and to.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import fc from 'fast-check';
import { envelopeSchema, envelopeSigningText, plaintextSchema, unsigned, type Envelope } from '../src/protocol/envelope.ts';
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
