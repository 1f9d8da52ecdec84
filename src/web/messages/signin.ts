// Page text of the signin area, in every language (see src/web/messages/index.ts).
import type { Catalogues } from '../../shared/i18n/translate.ts';

const en = {} as const;

export default { en, fr: {} } satisfies Catalogues<typeof en>;
