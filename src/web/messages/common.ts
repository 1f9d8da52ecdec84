// Page text of the common area, in every language (see src/web/messages/index.ts).
import type { Catalogues } from '../../shared/i18n/translate.ts';

const en = {
  'common.language': 'Language',
} as const;

export default {
  en,
  fr: {
    'common.language': 'Langue',
  },
} satisfies Catalogues<typeof en>;
