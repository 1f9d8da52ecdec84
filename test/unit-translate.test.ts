// The message formatting every catalogue goes through (src/shared/i18n/translate.ts): placeholders,
// plural forms by each language's rules, numbers as the language writes them, French elision, and
// a missing translation falling back to English rather than showing a key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatMessage, translator } from '../src/shared/i18n/translate.ts';

const DEVICES = { one: '{count} appareil', other: '{count} appareils' };

describe('formatMessage', () => {
  it('fills placeholders and leaves unknown ones as written', () => {
    assert.equal(formatMessage('en', 'Message to {name}', { name: 'Ada' }), 'Message to Ada');
    assert.equal(formatMessage('en', 'Hello {who}', {}), 'Hello {who}');
  });

  it('chooses plural forms by the language: French counts 0 and 1 as one, English only 1', () => {
    assert.deepEqual([0, 1, 2].map((count) => formatMessage('fr', DEVICES, { count })), ['0 appareil', '1 appareil', '2 appareils']);
    const en = { one: '{count} device', other: '{count} devices' };
    assert.deepEqual([0, 1, 2].map((count) => formatMessage('en', en, { count })), ['0 devices', '1 device', '2 devices']);
    assert.equal(formatMessage('fr', { zero: 'Aucun appareil', ...DEVICES }, { count: 0 }), 'Aucun appareil');
  });

  it('writes numbers as the language does', () => {
    assert.equal(formatMessage('en', '{count} people', { count: 12345 }), '12,345 people');
    assert.equal(formatMessage('fr', '{count} personnes', { count: 12345 }), '12\u202f345 personnes');
  });

  it('elides French "de" and "que" before a name that starts with a vowel, never before a consonant or in English', () => {
    assert.equal(formatMessage('fr', 'Certificat de {name}', { name: 'Amira' }), 'Certificat d’Amira');
    assert.equal(formatMessage('fr', 'Le certificat de {name}', { name: 'Émna' }), 'Le certificat d’Émna');
    assert.equal(formatMessage('fr', 'plus récent que {name}', { name: 'Ines' }), 'plus récent qu’Ines');
    assert.equal(formatMessage('fr', 'Certificat de {name}', { name: 'Bilel' }), 'Certificat de Bilel');
    assert.equal(formatMessage('fr', 'Certificat de {name}', { name: 'Hatem' }), 'Certificat de Hatem');
    assert.equal(formatMessage('en', 'Note de {name}', { name: 'Amira' }), 'Note de Amira');
  });
});

describe('translator', () => {
  it('falls back to English for a key a language lacks, and to the key itself past that', () => {
    const t = translator({ en: { 'a.b': 'English', 'a.c': 'Only English' }, fr: { 'a.b': 'Français' } as never }, 'fr');
    assert.equal(t('a.b'), 'Français');
    assert.equal(t('a.c'), 'Only English');
    assert.equal(t('a.z' as never), 'a.z');
    assert.equal(t.locale, 'fr');
    assert.equal(t.number(1234.5), '1\u202f234,5');
  });
});
