// Web addresses in message text become links (src/client/linkify.ts): only full http(s) URLs,
// without the punctuation that follows them in a sentence, and never anything a browser would run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { linkParts, type TextPart } from '../src/client/linkify.ts';

const links = (text: string) => linkParts(text).filter((p): p is TextPart & { href: string } => 'href' in p);
const joined = (parts: TextPart[]) => parts.map((p) => p.text).join('');

describe('linkParts', () => {
  it('links an http or https address and keeps the text around it as it was', () => {
    assert.deepEqual(linkParts('See https://example.org/a?b=1&c=2#top for details'), [
      { text: 'See ' },
      { text: 'https://example.org/a?b=1&c=2#top', href: 'https://example.org/a?b=1&c=2#top' },
      { text: ' for details' },
    ]);
    assert.deepEqual(links('http://example.org and HTTPS://Example.org/x').map((l) => l.href), ['http://example.org/', 'https://example.org/x']);
  });

  it('leaves out the punctuation that ends the sentence or a parenthesis', () => {
    assert.deepEqual(linkParts('Read https://example.org/doc.'), [{ text: 'Read ' }, { text: 'https://example.org/doc', href: 'https://example.org/doc' }, { text: '.' }]);
    assert.equal(links('(see https://example.org/a)')[0].text, 'https://example.org/a');
    assert.equal(links('Is it https://example.org/a?!')[0].text, 'https://example.org/a');
    assert.equal(links('"https://example.org/q",')[0].text, 'https://example.org/q');
    // …but a bracket the address itself opened is part of it.
    assert.equal(links('https://en.wikipedia.org/wiki/TLS_(protocol).')[0].text, 'https://en.wikipedia.org/wiki/TLS_(protocol)');
  });

  it('never links javascript:, data:, mailto:, other schemes or bare domains', () => {
    for (const text of [
      'javascript:alert(1)',
      'javascript://example.org/%0Aalert(1)',
      'data:text/html,<script>alert(1)</script>',
      'mailto:someone@example.org',
      'ftp://example.org/file',
      'example.org',
      'www.example.org/page',
      'https://',
      'xhttps://example.org',
    ]) {
      assert.deepEqual(links(text), [], text);
      assert.deepEqual(linkParts(text), [{ text }], text);
    }
  });

  it('keeps HTML in the text as text: the parts are strings, the page writes them with textContent', () => {
    const text = '<b>bold</b> <img src=x onerror=alert(1)> https://example.org/<script>';
    const parts = linkParts(text);
    assert.equal(joined(parts), text);
    assert.deepEqual(links(text).map((l) => l.href), ['https://example.org/']);
    assert.equal(parts[0].text, '<b>bold</b> <img src=x onerror=alert(1)> ');
  });

  it('links every address of a text with several, and an empty text is one empty part', () => {
    assert.equal(links('https://a.example/1 then https://b.example/2, done').length, 2);
    assert.deepEqual(linkParts(''), [{ text: '' }]);
  });

  it('whatever the text, the parts put back together are the text, and every link is http(s)', () => {
    const piece = fc.constantFrom('https://example.org/p', 'http://x.example', 'javascript:', ' ', '.', ')', '(', '<a>', 'data:', 'é', '"', 'www.', '\n');
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string()), { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        const parts = linkParts(text);
        assert.equal(joined(parts), text);
        for (const l of links(text)) assert.match(l.href, /^https?:\/\/[^/]/);
      }),
    );
  });
});
