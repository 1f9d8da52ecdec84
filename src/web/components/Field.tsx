// One labelled form field with its hint and its error slot, wired for screen readers: the input is
// described by both, and the browser script fills the error and sets aria-invalid.
import { Icon } from './icons.tsx';
import type { Child } from 'hono/jsx';
import { useT } from '../i18n.ts';

export interface FieldProps {
  name: string;
  label: string;
  hint?: string;
  type?: string;
  autocomplete?: string;
  inputmode?: 'numeric' | 'email' | 'text' | 'tel';
  value?: string;
  required?: boolean;
  /** Extra attributes for the input (pattern-free: validation is the script's job, with the shared schema). */
  attrs?: Record<string, string | boolean | undefined>;
  /** Something after the input inside the control row, e.g. a show-password button. */
  addon?: Child;
  wide?: boolean;
}

export const fieldId = (name: string) => `f-${name}`;

export function Field({ name, label, hint, type = 'text', autocomplete, inputmode, value, required = true, attrs = {}, addon, wide }: FieldProps) {
  const t = useT();
  const id = fieldId(name);
  const describedBy = [hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' ');
  return (
    <div class={wide ? 'field field-wide' : 'field'} data-field={name}>
      <label for={id} class="field-label">
        {label}
        {required ? null : <span class="optional">{` ${t('common.field.optional')}`}</span>}
      </label>
      {hint ? (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <div class={addon ? 'control has-addon' : 'control'}>
        <input
          id={id}
          name={name}
          type={type}
          class="input"
          autocomplete={autocomplete}
          inputmode={inputmode}
          value={value}
          required={required}
          aria-describedby={describedBy}
          {...attrs}
        />
        {addon}
      </div>
      <p class="field-error" id={`${id}-error`} data-error-for={name}></p>
    </div>
  );
}

/** The eye button that shows the password it sits next to (the script toggles the input type). */
export function RevealButton({ target }: { target: string }) {
  const t = useT();
  return (
    <button type="button" class="reveal" data-reveal={fieldId(target)} aria-controls={fieldId(target)} aria-pressed="false">
      <span class="reveal-show">{t('common.reveal.show')}</span>
      <span class="reveal-hide">{t('common.reveal.hide')}</span>
      {/* The leading space makes it one phrase with the visible word ("Show password"). */}
      <span class="visually-hidden">{` ${t('common.reveal.what')}`}</span>
    </button>
  );
}

/** A list of every problem, with links to the fields, shown on submit (focus moves here). */
export function ErrorSummary() {
  return (
    <div class="error-summary" data-error-summary tabindex={-1} role="alert" aria-labelledby="error-summary-title" hidden>
      <h2 id="error-summary-title" class="error-summary-title"></h2>
      <p class="error-summary-text" data-error-summary-text></p>
      <ul data-error-summary-list></ul>
    </div>
  );
}

/** A form's one submit button: the page's script shows the spinner and changes the label while it works. */
export function SubmitButton({ label }: { label: string }) {
  return (
    <div class="form-actions">
      <button type="submit" class="btn btn-primary btn-block" data-submit>
        <span class="spinner" aria-hidden="true"></span>
        <span data-submit-label>{label}</span>
      </button>
    </div>
  );
}

/** Where the page's script says why the server refused (a wrong password, a pirate certificate): announced when filled. */
export function Refusal() {
  return (
    <div class="refusal" data-refusal role="alert" tabindex={-1} hidden>
      <Icon name="shieldAlert" />
      <div>
        <p class="refusal-title" data-refusal-title></p>
        <p class="refusal-text" data-refusal-text></p>
      </div>
    </div>
  );
}
