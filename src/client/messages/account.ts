// Browser script text of the account area, in every language (see src/client/messages/index.ts).
import type { Catalogues } from '../../shared/i18n/translate.ts';

const en = {} as const;

export default { en, fr: {} } satisfies Catalogues<typeof en>;
