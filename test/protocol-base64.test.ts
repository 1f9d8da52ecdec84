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
