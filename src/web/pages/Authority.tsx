// The authority's public page: the hierarchy to trust (root and issuing CA, fingerprints, files),
// where revocations are published (CRL, OCSP) and a form that asks the authority about any
// certificate. The form is a plain multipart POST that works without script; htmx swaps only the
// check card, and the browser script moves focus to what it says.
import type { Child } from 'hono/jsx';
import type { CertificateCheck } from '../../protocol/certificate.ts';
import { AppShell, PublicShell, type Viewer } from '../components/Layout.tsx';
import { groupedHex, revocationReasonText } from '../../shared/format.ts';
import { LocalTime } from '../components/Time.tsx';
import { Icon, type IconName } from '../components/icons.tsx';
import { useT, requestLocale } from '../i18n.ts';
import type { PageKey } from '../messages/index.ts';
import { Sentence } from '../components/Sentence.tsx';

export interface CaSummary {
  name: string;
  subject: string;
  serial: string;
  fingerprint: string;
  notBefore: string;
  notAfter: string;
}

export interface AuthorityView {
  root: CaSummary;
  intermediate: CaSummary;
  crl: { number: number; thisUpdate: string; nextUpdate: string; revoked: number; latest: Array<{ serial: string; revokedAt: string; reason: string }> };
  ocspUrl: string;
  publicUrl: string;
}

export interface CheckState {
  /** What was pasted, shown again so it can be corrected. */
  pasted?: string;
  error?: string;
  result?: CertificateCheck;
}

/** A command line as its words: the same in every language, never a sentence to translate. */
const shell = (...argv: string[]) => argv.join(' ');

function Validity({ from, until }: { from: string; until: string }) {
  return (
    <>
      <LocalTime iso={from} style="date" />
      {' – '}
      <LocalTime iso={until} style="date" />
    </>
  );
}

/** Subject, serial, validity and fingerprint; with `asWritten`, the issuer too, both as the certificate claims them. */
function CertFacts({ cert, asWritten }: { cert: Omit<CaSummary, 'name'> & { issuer?: string }; asWritten?: boolean }) {
  const t = useT();
  return (
    <dl class="facts facts-grid">
      <div class="facts-wide">
        <dt>{asWritten ? t('account.facts.subject-as-written') : t('account.facts.subject')}</dt>
        <dd>{cert.subject}</dd>
      </div>
      {asWritten ? (
        <div class="facts-wide">
          <dt>{t('account.facts.issuer-as-written')}</dt>
          <dd>{cert.issuer}</dd>
        </div>
      ) : null}
      <div>
        <dt>{t('account.cert.serial')}</dt>
        <dd class="mono">{cert.serial}</dd>
      </div>
      <div>
        <dt>{t('account.facts.valid')}</dt>
        <dd>
          <Validity from={cert.notBefore} until={cert.notAfter} />
        </dd>
      </div>
      <div class="facts-wide">
        <dt>{t('account.cert.fingerprint')}</dt>
        <dd>
          <code class="fingerprint">{groupedHex(cert.fingerprint)}</code>
        </dd>
      </div>
    </dl>
  );
}

function CaCard({ ca, role, text, files }: { ca: CaSummary; role: string; text: string; files: Array<[string, string, string]> }) {
  return (
    <div class="ca-entry">
      <div class="ca-entry-head">
        <h3>{ca.name}</h3>
        <span class="chip chip-ok">{role}</span>
      </div>
      <p class="muted">{text}</p>
      <CertFacts cert={ca} />
      <p class="file-links">
        {files.map(([href, label, download]) => (
          <a class="btn btn-secondary btn-sm" href={href} download={download}>
            <Icon name="download" />
            {label}
          </a>
        ))}
      </p>
    </div>
  );
}

const STATUS_WORDS: Record<string, [string, IconName, PageKey]> = {
  valid: ['ok', 'shieldCheck', 'account.check.chip.valid'],
  expiring: ['warn', 'clock', 'account.check.chip.expiring'],
  expired: ['danger', 'alert', 'account.check.chip.expired'],
  revoked: ['danger', 'x', 'account.check.chip.revoked'],
  not_yet_valid: ['warn', 'clock', 'account.check.chip.not-yet-valid'],
  authority: ['ok', 'shieldCheck', 'account.check.chip.authority'],
  untrusted: ['danger', 'shieldAlert', 'account.check.chip.untrusted'],
  unknown: ['warn', 'shieldAlert', 'account.check.chip.unknown'],
};

function verdict(r: CertificateCheck): { title: string; text: Child } {
  const t = useT();
  if (r.status === 'authority') {
    return r.role === 'root'
      ? { title: t('account.check.root.title'), text: t('account.check.root.text') }
      : { title: t('account.check.issuing.title'), text: t('account.check.issuing.text') };
  }
  if (!r.issued && r.status === 'untrusted') {
    return { title: t('account.check.untrusted.title'), text: t('account.check.untrusted.text') };
  }
  if (!r.issued) {
    return { title: t('account.check.not-user.title'), text: t('account.check.not-user.text') };
  }
  const who = `${r.name} (@${r.login}${r.email ? `, ${r.email}` : ''})`;
  switch (r.status) {
    case 'revoked': {
      const reason = r.revocationReason ? revocationReasonText(r.revocationReason, requestLocale()) : undefined;
      return {
        title: t('account.check.revoked.title'),
        text: (
          <Sentence
            text={reason ? t('account.check.revoked.text-because', { who, reason }) : t('account.check.revoked.text', { who })}
            slots={{ date: <LocalTime iso={r.revokedAt ?? ''} style="date" /> }}
          />
        ),
      };
    }
    case 'expired':
      return {
        title: t('account.check.expired.title'),
        text: <Sentence text={t('account.check.expired.text', { who })} slots={{ date: <LocalTime iso={r.notAfter} style="date" /> }} />,
      };
    case 'not_yet_valid':
      return {
        title: t('account.check.not-yet-valid.title'),
        text: <Sentence text={t('account.check.not-yet-valid.text', { who })} slots={{ date: <LocalTime iso={r.notBefore} style="date" /> }} />,
      };
    default:
      return {
        title: t('account.check.valid.title', { name: r.name }),
        text: (
          <>
            {`@${r.login}${r.email ? ` · ${r.email}` : ''} · `}
            <Sentence text={t('account.check.valid.until', { count: Math.max(0, r.daysLeft) })} slots={{ date: <LocalTime iso={r.notAfter} style="date" /> }} />
            {` ${r.current ? t('account.check.valid.current') : t('account.check.valid.replaced')}`}
          </>
        ),
      };
  }
}

export function CheckResult({ r }: { r: CertificateCheck }) {
  const t = useT();
  const [tone, icon, chipKey] = STATUS_WORDS[r.status];
  const chip = t(chipKey);
  const { title, text } = verdict(r);
  return (
    <div class={`check-result check-${tone}`} data-check-result={r.status} tabindex={-1} aria-labelledby="check-verdict">
      <div class="cert-hero">
        <div class={`cert-seal seal-${tone}`} aria-hidden="true">
          <Icon name={icon} />
        </div>
        <div class="cert-hero-main">
          <h3 class="cert-hero-title" id="check-verdict">
            {title}
          </h3>
          <span class={`chip chip-${tone}`}>{chip}</span>
        </div>
      </div>
      <p>{text}</p>
      <CertFacts cert={r} asWritten />
    </div>
  );
}

/** The one action of a check form, with its busy spinner. */
function SubmitRow({ label }: { label: string }) {
  return (
    <div class="form-actions">
      <button type="submit" class="btn btn-primary" data-submit>
        <span class="spinner" aria-hidden="true"></span>
        <Icon name="shieldCheck" />
        {label}
      </button>
    </div>
  );
}

/** The check card: htmx replaces it whole with the server's answer. */
export function CheckCard({ state }: { state: CheckState }) {
  const t = useT();
  const errorId = 'f-certificate-error';
  return (
    <section class="card" id="check" aria-labelledby="check-title">
      <h2 id="check-title" class="card-title">
        {t('account.check.title')}
      </h2>
      <p class="muted">{t('account.check.lead')}</p>
      <form
        class="form"
        method="post"
        action="/authority#check"
        enctype="multipart/form-data"
        hx-post="/authority"
        hx-encoding="multipart/form-data"
        hx-target="#check"
        hx-select="#check"
        hx-swap="outerHTML"
        data-form="check"
      >
        <div class="field field-wide" data-field="certificate">
          <label for="f-certificate" class="field-label">
            {t('account.check.pem')}
          </label>
          <p class="field-hint" id="f-certificate-hint">
            {t('account.check.pem-hint')}
          </p>
          <textarea
            id="f-certificate"
            name="certificate"
            class="input mono"
            rows={6}
            spellcheck={false}
            autocomplete="off"
            aria-describedby={`f-certificate-hint ${errorId}`}
            aria-invalid={state.error ? 'true' : undefined}
            autofocus={state.error ? true : undefined}
          >
            {state.pasted ?? ''}
          </textarea>
          <p class="field-error" id={errorId} data-error-for="certificate">
            {state.error ?? ''}
          </p>
        </div>
        <div class="field field-wide" data-field="certificateFile">
          <label for="f-certificateFile" class="field-label">
            {t('account.check.file')} <span class="optional">{t('account.check.optional')}</span>
          </label>
          <input id="f-certificateFile" name="certificateFile" type="file" class="input" accept=".pem,.crt,.cer,application/x-pem-file" />
        </div>
        <SubmitRow label={t('account.check.submit')} />
      </form>
      <div class="check-outcome" role="status" aria-live="polite" data-check-outcome>
        {state.result ? <CheckResult r={state.result} /> : null}
      </div>
    </section>
  );
}

/**
 * Non-repudiation for a third party: a proof saved under a received message is checked in the
 * browser (src/client/proof.ts) against this root, and only its certificate is sent to the
 * authority for its standing; the message never leaves the page. The script fills the outcome
 * from the template.
 */
function ProofCard() {
  const t = useT();
  return (
    <section class="card" id="proof" aria-labelledby="proof-title">
      <h2 id="proof-title" class="card-title">
        {t('account.proof.title')}
      </h2>
      <p class="muted">{t('account.proof.lead')}</p>
      <noscript>
        <p class="callout callout-warning">{t('account.proof.noscript')}</p>
      </noscript>
      <form class="form" data-form="proof" novalidate>
        <div class="field field-wide" data-field="proof">
          <label for="f-proof" class="field-label">
            {t('account.proof.file')}
          </label>
          <p class="field-hint" id="f-proof-hint">
            {t('account.proof.file-hint')}
          </p>
          <input id="f-proof" name="proof" type="file" class="input" accept=".json,application/json" aria-describedby="f-proof-hint f-proof-error" />
          <p class="field-error" id="f-proof-error" data-error-for="proof"></p>
        </div>
        <SubmitRow label={t('account.proof.submit')} />
      </form>
      <div class="check-outcome" role="status" aria-live="polite" data-proof-outcome></div>
      <template id="tpl-proof-result">
        <div class="check-result" tabindex={-1} aria-labelledby="proof-verdict" data-proof-result>
          <div class="cert-hero">
            <div class="cert-seal" aria-hidden="true">
              <span data-seal="ok">
                <Icon name="shieldCheck" />
              </span>
              <span data-seal="bad">
                <Icon name="shieldAlert" />
              </span>
            </div>
            <div class="cert-hero-main">
              <h3 class="cert-hero-title" id="proof-verdict" data-slot="title"></h3>
              <span class="chip" data-slot="chip"></span>
            </div>
          </div>
          <p data-slot="summary"></p>
          <div data-slot="message">
            <blockquote class="proof-text" data-slot="text"></blockquote>
            <dl class="facts facts-grid">
              <div>
                <dt>{t('account.proof.from')}</dt>
                <dd data-slot="from"></dd>
              </div>
              <div>
                <dt>{t('account.proof.to')}</dt>
                <dd data-slot="to"></dd>
              </div>
              <div>
                <dt>{t('account.proof.sent-at')}</dt>
                <dd data-slot="sentAt"></dd>
              </div>
              <div>
                <dt>{t('account.proof.status')}</dt>
                <dd data-slot="status"></dd>
              </div>
              <div class="facts-wide">
                <dt>{t('account.proof.signer')}</dt>
                <dd>
                  <span class="mono" data-slot="serial"></span>
                  <br />
                  <code class="fingerprint" data-slot="fingerprint"></code>
                </dd>
              </div>
            </dl>
          </div>
        </div>
      </template>
    </section>
  );
}

export function AuthorityPage({ viewer, view, check }: { viewer?: Viewer; view: AuthorityView; check: CheckState }) {
  const t = useT();
  const body = (
    <div class="page-wrap page-narrow">
      <header class="page-head">
        <div>
          <h1>{t('account.authority.title')}</h1>
          <p class="lead">{t('account.authority.lead')}</p>
        </div>
      </header>

      <section class="card" aria-labelledby="hierarchy-title">
        <h2 id="hierarchy-title" class="card-title">
          {t('account.authority.hierarchy')}
        </h2>
        <CaCard
          ca={view.root}
          role={t('account.authority.root')}
          text={t('account.authority.root-text')}
          files={[
            ['/ca/root.pem', t('account.authority.root-pem'), 'tekup-chat-root.pem'],
            ['/ca/chain.pem', t('account.authority.chain-pem'), 'tekup-chat-chain.pem'],
          ]}
        />
        <CaCard
          ca={view.intermediate}
          role={t('account.authority.issuing')}
          text={t('account.authority.issuing-text')}
          files={[
            ['/ca/intermediate.pem', t('account.authority.issuing-pem'), 'tekup-chat-issuing-ca.pem'],
            ['/ca/intermediate.cer', t('account.authority.issuing-der'), 'tekup-chat-issuing-ca.cer'],
          ]}
        />
      </section>

      <section class="card" aria-labelledby="revocation-title">
        <h2 id="revocation-title" class="card-title">
          {t('account.crl.title')}
        </h2>
        <p class="muted">{t('account.crl.lead')}</p>
        <dl class="facts facts-grid" data-crl-number={String(view.crl.number)}>
          <div>
            <dt>{t('account.crl.number')}</dt>
            <dd>{String(view.crl.number)}</dd>
          </div>
          <div>
            <dt>{t('account.crl.revoked-count')}</dt>
            <dd data-crl-revoked>{String(view.crl.revoked)}</dd>
          </div>
          <div>
            <dt>{t('account.crl.published')}</dt>
            <dd>
              <LocalTime iso={view.crl.thisUpdate} />
            </dd>
          </div>
          <div>
            <dt>{t('account.crl.next-update')}</dt>
            <dd>
              <LocalTime iso={view.crl.nextUpdate} />
            </dd>
          </div>
          <div class="facts-wide">
            <dt>{t('account.crl.ocsp')}</dt>
            <dd>
              <code class="mono">{view.ocspUrl}</code>
            </dd>
          </div>
        </dl>
        <p class="file-links">
          <a class="btn btn-secondary btn-sm" href="/ca/crl" download="tekup-chat.crl">
            <Icon name="download" />
            {t('account.crl.der')}
          </a>
          <a class="btn btn-secondary btn-sm" href="/ca/crl.pem" download="tekup-chat-crl.pem">
            <Icon name="download" />
            {t('account.crl.pem')}
          </a>
        </p>
        {view.crl.latest.length ? (
          <details class="howto">
            <summary>
              {view.crl.revoked > view.crl.latest.length
                ? t('account.crl.list-latest', { shown: view.crl.latest.length, count: view.crl.revoked })
                : t('account.crl.list', { count: view.crl.revoked })}
            </summary>
            <table class="revoked-table">
              <caption class="visually-hidden">{t('account.crl.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('account.cert.serial')}</th>
                  <th scope="col">{t('account.crl.revoked-at')}</th>
                  <th scope="col">{t('account.crl.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {view.crl.latest.map((r) => (
                  <tr data-revoked-serial={r.serial}>
                    <td class="mono">{r.serial}</td>
                    <td>
                      <LocalTime iso={r.revokedAt} />
                    </td>
                    <td>{revocationReasonText(r.reason, requestLocale())}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        ) : null}
        <details class="howto">
          <summary>{t('account.crl.openssl')}</summary>
          <pre class="mono">
            {[
              shell('curl', '-s', `${view.publicUrl}/ca/root.pem`, '-o', 'root.pem'),
              shell('curl', '-s', `${view.publicUrl}/ca/intermediate.pem`, '-o', 'intermediate.pem'),
              shell('openssl', 'verify', '-CAfile', 'root.pem', '-untrusted', 'intermediate.pem', 'cert.pem'),
              shell('openssl', 'ocsp', '-issuer', 'intermediate.pem', '-cert', 'cert.pem', '-url', view.ocspUrl, '-CAfile', 'root.pem'),
              shell('curl', '-s', `${view.publicUrl}/api/v1/certificates/check`, '-F', 'certificate=@cert.pem'),
            ].join('\n')}
          </pre>
        </details>
      </section>

      <CheckCard state={check} />

      <ProofCard />
    </div>
  );
  return viewer ? (
    <AppShell title={t('account.authority.title')} page="authority" viewer={viewer}>
      {body}
    </AppShell>
  ) : (
    <PublicShell title={t('account.authority.title')} page="authority">
      {body}
    </PublicShell>
  );
}
