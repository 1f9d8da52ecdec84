// Field errors as the person types and on submit: each error sits next to its field (the input is
// aria-describedby it, and aria-invalid), checked live once the field has been left the first time,
// and listed in a summary with links to the fields when a submit fails.
import { $, $$ } from './dom.ts';
import { t, pageLocale } from '../i18n.ts';
import { sayIn, sayOfText } from '../../shared/i18n/error-messages.ts';

export type FieldErrors = Record<string, string | undefined>;

export class FormUi {
  readonly form: HTMLFormElement;
  private readonly touched = new Set<string>();
  private readonly summary: HTMLElement | null;
  /** Green "looks right" borders: for rules checked here (registration), not for secrets only the server can judge. */
  private readonly markValid: boolean;

  constructor(form: HTMLFormElement, { markValid = true }: { markValid?: boolean } = {}) {
    this.form = form;
    this.markValid = markValid;
    this.summary = $('[data-error-summary]', form.closest('section') ?? document);
  }

  input(name: string): HTMLInputElement {
    return this.form.elements.namedItem(name) as HTMLInputElement;
  }

  value(name: string): string {
    return this.input(name)?.value ?? '';
  }

  label(name: string): string {
    return $(`label[for="${this.input(name)?.id}"]`, this.form)?.firstChild?.textContent?.trim() ?? name;
  }

  setError(name: string, message: string | undefined): void {
    const input = this.input(name);
    const slot = $(`[data-error-for="${name}"]`, this.form);
    const field = input?.closest('.field');
    if (!input || !slot) return;
    slot.textContent = message ?? '';
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    field?.classList.toggle('is-invalid', Boolean(message));
    field?.classList.toggle('is-valid', this.markValid && !message && this.touched.has(name) && input.value !== '');
  }

  /** Shows `errors` for the fields given (a field absent from `errors` is left as is). */
  show(errors: FieldErrors, names: string[] = Object.keys(errors)): void {
    for (const n of names) this.setError(n, errors[n]);
  }

  /** Live checks: after a field is first left, it is re-checked on every keystroke. */
  live(names: string[], validate: () => FieldErrors, related: Record<string, string[]> = {}): void {
    for (const name of names) {
      const input = this.input(name);
      if (!input) continue;
      input.addEventListener('blur', () => {
        if (input.value === '' && !this.touched.has(name)) return; // tabbing through an empty form is not an error yet
        this.touched.add(name);
        this.show(validate(), [name, ...(related[name] ?? []).filter((r) => this.touched.has(r))]);
      });
      input.addEventListener('input', () => {
        const check = [name, ...(related[name] ?? [])].filter((n) => this.touched.has(n));
        if (check.length) this.show(validate(), check);
        if (this.summary && !this.summary.hidden) this.refreshSummary(validate());
      });
    }
  }

  /**
   * On submit: every named field counts as visited and shows its problem, and the summary lists
   * them. True when there is nothing to fix.
   */
  submitCheck(errors: FieldErrors, names: string[]): boolean {
    for (const n of names) this.touched.add(n);
    this.show(errors, names);
    if (Object.values(errors).some(Boolean)) {
      this.showSummary(errors);
      return false;
    }
    this.hideSummary();
    return true;
  }

  /** The summary on submit: every problem with a link to its field; focus moves to it. */
  showSummary(errors: FieldErrors, title = t('acct.summary.title')): void {
    if (!this.summary) return;
    const entries = Object.entries(errors).filter(([, m]) => m);
    if (!entries.length) return this.hideSummary();
    $('#error-summary-title', this.summary)!.textContent = title;
    $('[data-error-summary-text]', this.summary)!.textContent = t('acct.summary.count', { count: entries.length });
    this.fillSummary(entries);
    this.summary.hidden = false;
    this.summary.focus();
  }

  private refreshSummary(errors: FieldErrors): void {
    const entries = Object.entries(errors).filter(([n, m]) => m && this.touched.has(n));
    if (!entries.length) return this.hideSummary();
    this.fillSummary(entries);
  }

  /**
   * The problems in the order of their fields on the page, whatever order the checks (or the
   * server) named them in; one without a field of its own comes last.
   */
  private inFormOrder(entries: Array<[string, string | undefined]>): Array<[string, string | undefined]> {
    const position = (name: string): Element | null => {
      const field = this.form.elements.namedItem(name);
      return field instanceof RadioNodeList ? (field[0] as Element | undefined) ?? null : field;
    };
    return entries
      .map((entry) => ({ entry, at: position(entry[0]) }))
      .sort((a, b) => {
        if (!a.at || !b.at) return Number(!a.at) - Number(!b.at);
        return a.at === b.at ? 0 : a.at.compareDocumentPosition(b.at) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
      })
      .map(({ entry }) => entry);
  }

  private fillSummary(entries: Array<[string, string | undefined]>): void {
    const list = $('[data-error-summary-list]', this.summary!)!;
    list.replaceChildren(
      ...this.inFormOrder(entries).map(([name, message]) => {
        const li = document.createElement('li');
        const a = document.createElement('a');
        const input = this.input(name);
        a.href = `#${input?.id ?? ''}`;
        a.textContent = t('acct.summary.entry', { label: this.label(name), message: message ?? '' });
        a.addEventListener('click', (e) => {
          e.preventDefault();
          input?.focus();
        });
        li.append(a);
        return li;
      }),
    );
  }

  hideSummary(): void {
    if (this.summary) this.summary.hidden = true;
  }

  focusFirstInvalid(): void {
    $$<HTMLInputElement>('[aria-invalid="true"]', this.form)[0]?.focus();
  }
}

/**
 * A schema's field messages (src/protocol writes them in English, as the server's own checks do) in
 * the page's language, so a field checked as it is typed reads as the server's answer would. A text
 * the error catalogue does not know stays as it is.
 */
export function inPageLanguage(errors: Readonly<Record<string, string>>): FieldErrors {
  const locale = pageLocale();
  if (locale === 'en') return { ...errors };
  return Object.fromEntries(
    Object.entries(errors).map(([name, text]) => {
      const say = sayOfText(text);
      return [name, say ? sayIn(locale, [say]) : text];
    }),
  );
}

/** The error of a "repeat the password" field, or undefined when it matches the first one. */
export function repeatError(first: string, again: string): string | undefined {
  return !again ? t('acct.password.repeat') : again !== first ? t('acct.password.mismatch') : undefined;
}

/** The Show/Hide buttons next to password inputs. */
export function bindRevealButtons(root: ParentNode = document): void {
  for (const button of $$<HTMLButtonElement>('[data-reveal]', root)) {
    button.addEventListener('click', () => {
      const input = document.getElementById(button.dataset.reveal!) as HTMLInputElement | null;
      if (!input) return;
      const show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      button.setAttribute('aria-pressed', String(show));
      input.focus();
    });
  }
}
