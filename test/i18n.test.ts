// The interface in two languages (issue 24): every catalogue has the same keys in English and
// French, with the same {placeholders} and the same plural shape; keys are unique across the areas
// merged into one catalogue; and no page, component or browser UI module shows a string that does
// not come from a catalogue.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalogue, Message } from '../src/shared/i18n/translate.ts';
import { LOCALES } from '../src/shared/i18n/locale.ts';
import { PAGE_AREAS, PAGE_MESSAGES } from '../src/web/messages/index.ts';
import { CLIENT_AREAS, CLIENT_MESSAGES } from '../src/client/messages/index.ts';
import { visibleStrings } from './helpers/visible-strings.ts';

const ROOT = join(import.meta.dirname, '..');

/**
 * Every catalogue: the area files, and whatever `*-messages.ts` beside the i18n core or the wire
 * types exports in the catalogues' shape ({ en, fr, … }), default or named.
 */
async function catalogueModules(): Promise<Array<[string, Record<string, Catalogue>]>> {
  const files = [
    ...readdirSync(join(ROOT, 'src/web/messages')).filter((f) => f !== 'index.ts').map((f) => `src/web/messages/${f}`),
    ...readdirSync(join(ROOT, 'src/client/messages')).filter((f) => f !== 'index.ts').map((f) => `src/client/messages/${f}`),
    ...readdirSync(join(ROOT, 'src/shared/i18n')).filter((f) => f.endsWith('-messages.ts')).map((f) => `src/shared/i18n/${f}`),
    ...readdirSync(join(ROOT, 'src/protocol')).filter((f) => f.endsWith('-messages.ts')).map((f) => `src/protocol/${f}`),
  ];
  const seen = new Set<unknown>();
  const found: Array<[string, Record<string, Catalogue>]> = [];
  for (const f of files) {
    for (const [name, value] of Object.entries(await import(join(ROOT, f)))) {
      const v = value as Record<string, unknown> | null;
      if (!v || typeof v !== 'object' || typeof v.en !== 'object' || seen.has(v)) continue;
      seen.add(v);
      found.push([`${f} (${name})`, v as Record<string, Catalogue>]);
    }
  }
  return found;
}

const placeholders = (m: Message) => [...new Set(Object.values(typeof m === 'string' ? { m } : m).flatMap((s) => [...(s ?? '').matchAll(/\{(\w+)\}/g)].map((x) => x[1])))].sort();

describe('the catalogues', () => {
  it('have the same keys in every language, each filled, with the same placeholders and plural shape', async () => {
    const modules = await catalogueModules();
    assert.ok(modules.length >= 6, `catalogue files found: ${modules.map(([f]) => f).join(', ')}`);
    for (const [file, c] of modules) {
      assert.deepEqual(Object.keys(c).sort(), [...LOCALES].sort(), `${file}: one catalogue per language`);
      const keys = Object.keys(c.en).sort();
      for (const locale of LOCALES) {
        assert.deepEqual(Object.keys(c[locale]).sort(), keys, `${file}: ${locale} has exactly the English keys`);
        for (const key of keys) {
          const en = c.en[key];
          const other = c[locale][key];
          // A language may need plural forms where English does not, never the reverse.
          if (typeof en !== 'string') assert.equal(typeof other, 'object', `${file} ${locale} ${key}: plural forms where English has them`);
          const texts = typeof other === 'string' ? [other] : Object.values(other);
          assert.ok(texts.length > 0 && texts.every((t) => typeof t === 'string' && t.trim() !== ''), `${file} ${locale} ${key}: no empty text`);
          if (typeof other !== 'string') assert.ok(other.other, `${file} ${locale} ${key}: a plural has its "other" form`);
          // A placeholder may be left out of one form ("one" often says the number in words), never invented.
          for (const p of placeholders(other)) assert.ok(placeholders(en).includes(p), `${file} ${locale} ${key}: {${p}} is not in the English`);
          if (typeof en === 'string' && typeof other === 'string') assert.deepEqual(placeholders(other), placeholders(en), `${file} ${locale} ${key}: same placeholders`);
        }
      }
    }
  });

  it('keep keys unique across the areas merged into one catalogue', () => {
    for (const [name, areas, merged] of [
      ['pages', PAGE_AREAS, PAGE_MESSAGES],
      ['browser', CLIENT_AREAS, CLIENT_MESSAGES],
    ] as const) {
      const seen = new Map<string, string>();
      for (const [area, c] of Object.entries(areas)) {
        for (const key of Object.keys(c.en)) {
          assert.ok(!seen.has(key), `${name}: ${key} is in both ${seen.get(key)} and ${area}`);
          seen.set(key, area);
          assert.ok(key.includes('.'), `${name}: ${key} is "area.what"`);
        }
      }
      assert.equal(Object.keys(merged.en).length, seen.size);
    }
  });
});

describe('pages, components and browser UI modules', () => {
  const sources = [
    ...readdirSync(join(ROOT, 'src/web/pages')).map((f) => `src/web/pages/${f}`),
    ...readdirSync(join(ROOT, 'src/web/components')).map((f) => `src/web/components/${f}`),
    'src/web/error-page.tsx',
    ...readdirSync(join(ROOT, 'src/client/ui')).map((f) => `src/client/ui/${f}`),
  ];

  it('show no string that does not come from a catalogue', () => {
    const found = sources.flatMap((f) => visibleStrings(readFileSync(join(ROOT, f), 'utf8'), f.endsWith('.tsx')).map((x) => `${f}:${x.line}: ${JSON.stringify(x.text)}`));
    assert.deepEqual(found, []);
  });

  it('the check itself finds what it must: JSX text, read attributes, text written into the DOM', () => {
    const found = visibleStrings(
      `export const A = () => <p title="Open it">Hello there <span aria-label={ok ? 'Verified' : t('x.y')}>{t('x.z')}</span></p>;
       el.textContent = \`\${n} unread messages\`;
       el.setAttribute('aria-label', 'Close the dialog');
       el.classList.add('btn btn-ghost'); $('.msg .bubble'); if (key === 'Enter') go();
       const o = { class: 'input mono', label: 'Your login' };`,
      true,
    ).map((f) => f.text);
    assert.deepEqual(found.sort(), ['Hello there', 'Open it', 'Verified', 'Your login', 'unread messages', 'Close the dialog'].sort());
  });
});
