// The language menu on every page: one button per language, each labelled in its own language (a
// reader lost in the wrong one still finds theirs). A plain form, so it works before the script
// loads: POST /language sets the cookie (and the account's setting when signed in) and brings the
// reader back to the page they were on.
import { LOCALES, LOCALE_NAMES } from '../../shared/i18n/locale.ts';
import { requestLocale, requestPath, useT } from '../i18n.ts';

export function LanguageMenu() {
  const t = useT();
  const current = requestLocale();
  return (
    <form class="lang-menu" method="post" action="/language">
      <input type="hidden" name="next" value={requestPath()} />
      <fieldset>
        <legend class="visually-hidden">{t('common.language')}</legend>
        {LOCALES.map((l) => (
          <button type="submit" name="locale" value={l} lang={l} class="lang-option" aria-pressed={l === current ? 'true' : 'false'} title={LOCALE_NAMES[l]}>
            <span aria-hidden="true">{l.toUpperCase()}</span>
            <span class="visually-hidden">{LOCALE_NAMES[l]}</span>
          </button>
        ))}
      </fieldset>
    </form>
  );
}
