// One rule for logins on every page (registration, login, recovery), as on every route: a login is
// lowercase (docs/protocol.md §2). What is typed in capitals is lowercased as it is typed, and a
// note under the field says so, with the login as it will be: "Logins are lowercase: zied".
import { t } from '../i18n.ts';

export function lowercaseLogin(input: HTMLInputElement): void {
  const note = document.createElement('p');
  note.className = 'field-hint login-case';
  note.id = `${input.id || input.name}-case`;
  note.setAttribute('aria-live', 'polite');
  note.dataset.loginCase = '';
  note.hidden = true;
  (input.closest('.control') ?? input).after(note);
  input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') ?? ''} ${note.id}`.trim());
  const apply = () => {
    const lower = input.value.toLowerCase();
    if (lower !== input.value) {
      const { selectionStart: start, selectionEnd: end } = input;
      input.value = lower;
      // Lowercasing keeps the length of what people type here; the caret stays where it was.
      if (start !== null && end !== null) input.setSelectionRange(start, end);
      note.hidden = false;
    }
    // Once capitals were typed, the note follows the login as it is completed.
    if (!note.hidden) note.textContent = lower.trim() ? t('acct.login.case-note', { login: lower.trim() }) : t('acct.login.case-rule');
  };
  input.addEventListener('input', apply);
  apply(); // a value put there before the script ran (autofill, the back button)
}
