// The browser script's chat words (src/client/messages/chat.ts) in English and French: without a
// document (Node) the script speaks English, the words it always had; with <html lang="fr"> it
// speaks French; every French entry says something, keeps its English one's {placeholders} and
// plural forms, and is written as French typography wants. Then, in Chromium, the chat page with the
// cookie lang=fr shows the script's French.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import chat from '../src/client/messages/chat.ts';
import { t } from '../src/client/i18n.ts';
import { changeText, senderWasMember } from '../src/client/groups.ts';
import { sizeText } from '../src/client/ui/attachments.ts';
import type { Message } from '../src/shared/i18n/translate.ts';
import { Ui, openChat } from './helpers/ui.ts';

const forms = (m: Message): string[] => (typeof m === 'string' ? [m] : Object.values(m).filter((f): f is string => typeof f === 'string'));
const placeholders = (m: Message) => [...new Set(forms(m).flatMap((f) => [...f.matchAll(/\{(\w+)\}/g)].map((x) => x[1])))].sort();

/** Runs `body` as if in a page whose <html lang> is `lang`. */
function inPage<T>(lang: string, body: () => T): T {
  const g = globalThis as { document?: unknown };
  g.document = { documentElement: { lang } };
  try {
    return body();
  } finally {
    delete g.document;
  }
}

describe('the chat catalogue of the browser script', () => {
  it('speaks English without a document, the words the script always had', () => {
    assert.equal(t('msg.group.members', { count: 1 }), '1 member');
    assert.equal(t('msg.group.members', { count: 0 }), '0 members');
    assert.equal(t('msg.unread', { count: 3 }), '3 unread');
    assert.equal(t('msg.login.attempts', { count: 2 }), '2 login attempts under your name were refused');
    assert.equal(sizeText(1), '1 byte');
    assert.equal(sizeText(812), '812 bytes');
    assert.equal(sizeText(1_420), '1.4 KB');
    assert.equal(sizeText(14_200), '14 KB');
    assert.equal(sizeText(3_100_000), '3.1 MB');
    assert.equal(sizeText(999_600), '1000 KB');
    assert.equal(changeText({ op: 'create', by: 'alice', at: '' }, 'bob'), 'alice created the group');
    assert.equal(changeText({ op: 'add', login: 'bob', by: 'alice', at: '' }, 'alice'), 'You added bob');
    assert.equal(changeText({ op: 'leave', login: 'alice', by: 'alice', at: '' }, 'alice'), 'You left');
  });

  it('speaks French in a page whose <html lang> is fr', () => {
    inPage('fr', () => {
      assert.equal(t('msg.group.members', { count: 0 }), '0 membre');
      assert.equal(t('msg.group.members', { count: 2 }), '2 membres');
      assert.equal(sizeText(1_420), '1,4\u00a0ko');
      assert.equal(sizeText(1), '1\u00a0octet');
      assert.equal(changeText({ op: 'add', login: 'bob', by: 'alice', at: '' }, 'bob'), 'alice vous a ajouté au groupe');
      assert.equal(changeText({ op: 'rename', name: 'Achats', by: 'bob', at: '' }, 'bob'), 'Vous avez renommé le groupe en «\u00a0Achats\u00a0»');
      const check = senderWasMember({ from: 'carol', to: 'alice' }, 'g1', []);
      assert.equal(!check.ok && check.reason, 'Il n’a pas été envoyé à ce groupe.');
    });
    // And English again once the page is gone: the language is read at each call.
    assert.equal(t('msg.day.today'), 'Today');
  });

  it('has every French entry non-empty, with the English one’s placeholders and plural forms', () => {
    const fr: Record<string, Message> = chat.fr;
    assert.deepEqual(Object.keys(fr).sort(), Object.keys(chat.en).sort());
    for (const [key, english] of Object.entries(chat.en) as [string, Message][]) {
      assert.match(key, /^msg\.[a-z0-9.]+$/, key);
      const french = fr[key];
      for (const form of forms(french)) assert.ok(form.trim(), `${key}: empty`);
      assert.deepEqual(placeholders(french), placeholders(english), `${key}: placeholders`);
      assert.equal(typeof french, typeof english, `${key}: a plural in one language is a plural in both`);
      if (typeof french !== 'string') assert.ok(french.one && french.other, `${key}: French needs "one" (0 and 1) and "other"`);
    }
  });

  it('writes French as French typography wants', () => {
    for (const [key, message] of Object.entries(chat.fr) as [string, Message][]) {
      for (const form of forms(message)) {
        assert.doesNotMatch(form, /'/, `${key}: the apostrophe is ’`);
        assert.doesNotMatch(form, /"/, `${key}: quotes are « »`);
        assert.doesNotMatch(form, / [:;?!»]|« /, `${key}: a no-break space, not a space, before : ; ? ! » and after «`);
        assert.doesNotMatch(form, /[^\u00a0\u202f][:;?!](\s|$)/, `${key}: a no-break space before : ; ? !`);
      }
    }
  });
});

describe('the chat page in French', { timeout: 300_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((c) => ui.begin(c.name));
  afterEach(() => ui.end());

  it('shows the script’s words in French with the cookie lang=fr', async () => {
    const [amira, bilel] = await Promise.all([ui.person('amira', 'Amira', 'Ben Salah'), ui.person('bilel', 'Bilel', 'Gharbi')]);
    const page = await ui.signedIn(amira);
    await page.context().addCookies([{ name: 'lang', value: 'fr', url: ui.url }]);
    await openChat(page, ui.url, bilel);
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');

    // Written here, by the script: the bubble's label, its day, and the bell's label.
    const box = page.locator('[data-compose]');
    await box.fill('Bonjour Bilel');
    await box.press('Enter');
    const bubble = page.locator('.msg.is-verified .bubble').first();
    await bubble.waitFor();
    assert.match((await bubble.getAttribute('aria-label')) ?? '', /^Vous, .*, vérifié$/);
    await page.locator('.day-sep', { hasText: 'Aujourd’hui' }).waitFor();
    const bell = page.locator('[data-action="notifications"]');
    if (await bell.isVisible()) assert.equal(await bell.getAttribute('title'), 'M’avertir des nouveaux messages');

    // A group without a name is refused in the script's words.
    await page.locator('[data-action="new-group"]').first().click();
    const dialog = page.locator('#new-group-dialog');
    await dialog.locator('[data-submit]').click();
    await dialog.locator('[data-error-for="name"]', { hasText: 'Nommez le groupe, par exemple «\u00a0Achats\u00a0».' }).waitFor();
    await dialog.locator('[data-error-for="members"]', { hasText: 'Choisissez au moins une autre personne.' }).waitFor();
  });
});
