// Binary values on the wire are canonical base64 (src/protocol/base64.ts): the one spelling of
// their bytes, standard alphabet, padded. The server checks every envelope field with
// base64Length, so it is held here against Node's own encoder, and fed strings of every internal
// shape a running server hands it (sliced, concatenated, two-byte, parsed from JSON).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { base64Length, fromBase64, isBase64, toBase64 } from '../src/protocol/base64.ts';

describe('canonical base64', () => {
  it('agrees with Buffer for every length from 0 to 64 bytes, both ways', () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = randomBytes(n);
      const text = bytes.toString('base64');
      assert.equal(toBase64(bytes), text, `encode ${n}`);
      assert.equal(base64Length(text), n, `length ${n}`);
      assert.deepEqual(Buffer.from(fromBase64(text)), bytes, `decode ${n}`);
    }
  });

  it('refuses every other spelling: URL-safe, white space, missing or inner padding, set unused bits, other characters', () => {
    for (const bad of ['YQ', 'YQ=', 'YR==', 'YWJ=', 'ab-_', 'ab/_', 'YW Jj', 'YWJj\n', '=YWJ', 'YW=j', 'YWJjZA=', 'YWJj====', 'éWJj', 'YWJ\u0100', ' ']) {
      assert.equal(base64Length(bad), undefined, JSON.stringify(bad));
      assert.equal(isBase64(bad), false, JSON.stringify(bad));
      assert.throws(() => fromBase64(bad), TypeError, JSON.stringify(bad));
    }
    assert.equal(base64Length(42 as unknown as string), undefined);
  });

  it('reads strings of every internal shape alike', () => {
    const text = randomBytes(600).toString('base64');
    const shapes = [
      text,
      ('x' + text).slice(1), // sliced
      text.slice(0, 400) + text.slice(400), // concatenated
      JSON.parse(JSON.stringify({ t: text })).t as string, // parsed
      ('\u0100' + text).slice(1), // sliced from a two-byte string
    ];
    for (const s of shapes) assert.equal(base64Length(s), 600);
    const broken = text.slice(0, 100) + '\u0100' + text.slice(101);
    assert.equal(base64Length(broken), undefined, 'a character outside the alphabet anywhere');
  });
});

describe('canonical base64 where the platform has no native decoder', () => {
  it('the fallback check agrees with the native one, both ways', async () => {
    // base64.ts picks its check once, as it loads: load a second copy with the native method hidden.
    const proto = Uint8Array.prototype as unknown as Record<string, unknown>;
    const native = Object.getOwnPropertyDescriptor(proto, 'setFromBase64');
    assert.ok(native, 'this Node has the TC39 base64 methods, so both checks are compared');
    delete proto.setFromBase64;
    let fallback: typeof import('../src/protocol/base64.ts');
    try {
      fallback = await import(new URL('../src/protocol/base64.ts?without-native', import.meta.url).href);
    } finally {
      Object.defineProperty(proto, 'setFromBase64', native);
    }
    for (let n = 0; n <= 64; n++) {
      const text = randomBytes(n).toString('base64');
      assert.equal(fallback.base64Length(text), n, `length ${n}`);
      assert.equal(base64Length(text), n, `length ${n}`);
    }
    const long = randomBytes(10_000).toString('base64'); // longer than the native check's first buffer
    assert.equal(fallback.base64Length(long), 10_000);
    assert.equal(base64Length(long), 10_000);
    for (const bad of ['YQ', 'YQ=', 'YR==', 'YWJ=', 'ab-_', 'ab/_', 'YW Jj', 'YWJj\n', '=YWJ', 'YW=j', 'YWJjZA=', 'YWJj====', 'éWJj', 'YWJ\u0100', ' ', '====', 'YWJj    ', 'YW\tJjZA==']) {
      assert.equal(fallback.base64Length(bad), undefined, `fallback ${JSON.stringify(bad)}`);
      assert.equal(base64Length(bad), undefined, `native ${JSON.stringify(bad)}`);
    }
  });
});
