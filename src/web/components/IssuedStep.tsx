// The finished step of the registration and recovery pages: a success mark, a title, the new
// certificate's facts, the call to download the key backup and the way on. Hidden until the
// browser script (client/ui/register.ts, recover.ts) has the certificate: it fills the facts
// (client/ui/issued.ts showIssuedFacts), shows the section, focuses the title and answers the
// [data-action="download-backup"] button.
import type { Child } from 'hono/jsx';
import { Icon } from './icons.tsx';
import { IssuedFacts } from './Issued.tsx';
import { useT } from '../i18n.ts';

export interface IssuedStepProps {
  /** The title's id, which labels the section and which the script focuses. */
  titleId: string;
  title: Child;
  lead: string;
  /** The key backup callout: its first sentence (in bold), then the rest. */
  backupTitle: string;
  backupText: string;
  /** Beside the key backup button: the way on (a button the script answers, or a link). */
  next: Child;
  /** The callout and the buttons inside a `.form`, spaced as a form's rows. */
  asForm?: boolean;
  /** After the buttons, e.g. where the script says why the way on failed. */
  children?: Child;
}

export function IssuedStep({ titleId, title, lead, backupTitle, backupText, next, asForm = false, children }: IssuedStepProps) {
  const t = useT();
  const backup = (
    <>
      <div class="callout callout-warning">
        <Icon name="download" />
        <div>
          <p>
            <strong>{backupTitle}</strong> {backupText}
          </p>
        </div>
      </div>
      <div class="form-actions form-actions-split">
        <button type="button" class="btn btn-secondary" data-action="download-backup">
          <Icon name="download" />
          {t('account.issued.download-backup')}
        </button>
        {next}
      </div>
    </>
  );
  return (
    <section class="auth-card" data-step="done" aria-labelledby={titleId} hidden>
      <div class="success-mark" aria-hidden="true">
        <Icon name="checkCircle" />
      </div>
      <header class="auth-head">
        <h1 id={titleId} tabindex={-1}>
          {title}
        </h1>
        <p class="lead">{lead}</p>
      </header>
      <IssuedFacts />
      {asForm ? <div class="form">{backup}</div> : backup}
      {children}
    </section>
  );
}
