// Every string the browser script shows, one catalogue per area. The bundle carries all languages
// (a few KiB each); the page's <html lang> picks one (src/client/i18n.ts).
import type { Catalogues } from '../../shared/i18n/translate.ts';
import chat from './chat.ts';
import account from './account.ts';

const en = { ...chat.en, ...account.en };

export const CLIENT_MESSAGES = {
  en,
  fr: { ...chat.fr, ...account.fr },
} satisfies Catalogues<typeof en>;

export const CLIENT_AREAS = { chat, account };

export type ClientKey = Extract<keyof typeof en, string>;
