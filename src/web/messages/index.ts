// Every string the server-rendered pages show, one catalogue per area so that each stays beside the
// pages it serves. Keys are "area.what" and unique across areas (test/i18n.test.ts).
import type { Catalogues } from '../../shared/i18n/translate.ts';
import common from './common.ts';
import signin from './signin.ts';
import chat from './chat.ts';
import account from './account.ts';

const en = { ...common.en, ...signin.en, ...chat.en, ...account.en };

export const PAGE_MESSAGES = {
  en,
  fr: { ...common.fr, ...signin.fr, ...chat.fr, ...account.fr },
} satisfies Catalogues<typeof en>;

/** Each area's catalogues, for the test that keys do not collide. */
export const PAGE_AREAS = { common, signin, chat, account };

export type PageKey = Extract<keyof typeof en, string>;
