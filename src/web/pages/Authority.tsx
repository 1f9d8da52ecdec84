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
  return (
    <dl class="facts facts-grid">
      <div class="facts-wide">
        <dt>{asWritten ? 'Subject, as written in it' : 'Subject'}</dt>
        <dd>{cert.subject}</dd>
      </div>
      {asWritten ? (
        <div class="facts-wide">
          <dt>Issuer, as written in it</dt>
          <dd>{cert.issuer}</dd>
        </div>
      ) : null}
      <div>
        <dt>Serial number</dt>
        <dd class="mono">{cert.serial}</dd>
      </div>
      <div>
        <dt>Valid</dt>
        <dd>
          <Validity from={cert.notBefore} until={cert.notAfter} />
        </dd>
      </div>
      <div class="facts-wide">
        <dt>Fingerprint (SHA-256)</dt>
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

const STATUS_WORDS: Record<string, [string, IconName, string]> = {
  valid: ['ok', 'shieldCheck', 'Valid'],
  expiring: ['warn', 'clock', 'Valid, expiring soon'],
  expired: ['danger', 'alert', 'Expired'],
  revoked: ['danger', 'x', 'Revoked'],
  not_yet_valid: ['warn', 'clock', 'Not valid yet'],
  authority: ['ok', 'shieldCheck', 'TEKUP_chat authority'],
  untrusted: ['danger', 'shieldAlert', 'Not issued by TEKUP_chat'],
  unknown: ['warn', 'shieldAlert', 'Not a user certificate'],
};

function verdict(r: CertificateCheck): { title: string; text: Child } {
  if (r.status === 'authority') {
    return r.role === 'root'
      ? { title: 'This is the TEKUP_chat root certificate', text: 'The trust anchor itself. Its fingerprint must equal the one shown above.' }
      : { title: 'This is the TEKUP_chat issuing CA certificate', text: 'It is signed by the root and signs every user certificate.' };
  }
  if (!r.issued && r.status === 'untrusted') {
    return {
      title: 'TEKUP_chat did not issue this certificate',
      text: 'Whatever name it carries, it is not signed by the TEKUP_chat issuing CA: it cannot be used to log in or to sign messages here, and nothing it says is vouched for.',
    };
  }
  if (!r.issued) {
    return {
      title: 'Signed by TEKUP_chat, but not a user certificate',
      text: 'The issuing CA signed it, yet no user holds it: it is one of the service’s own certificates (its TLS or OCSP responder certificate) or a registration that never completed. It proves no one’s identity.',
    };
  }
  const who = `${r.name} (@${r.login}${r.email ? `, ${r.email}` : ''})`;
  switch (r.status) {
    case 'revoked':
      return {
        title: 'Revoked: do not rely on it',
        text: (
          <>
            {`Issued by TEKUP_chat to ${who}, then revoked on `}
            <LocalTime iso={r.revokedAt ?? ''} style="date" />
            {`${r.revocationReason ? ` (${revocationReasonText(r.revocationReason)})` : ''}. Signatures made with it after that are not valid.`}
          </>
        ),
      };
    case 'expired':
      return {
        title: 'Expired',
        text: (
          <>
            {`Issued by TEKUP_chat to ${who}; it expired on `}
            <LocalTime iso={r.notAfter} style="date" />
            {' and can no longer be used.'}
          </>
        ),
      };
    case 'not_yet_valid':
      return {
        title: 'Not valid yet',
        text: (
          <>
            {`Issued by TEKUP_chat to ${who}; it becomes valid on `}
            <LocalTime iso={r.notBefore} style="date" />.
          </>
        ),
      };
    default:
      return {
        title: `Issued by TEKUP_chat to ${r.name}`,
        text: (
          <>
            {`@${r.login}${r.email ? ` · ${r.email}` : ''} · valid until `}
            <LocalTime iso={r.notAfter} style="date" />
            {` (${Math.max(0, r.daysLeft)} day${r.daysLeft === 1 ? '' : 's'} left). ${r.current ? 'It is one of their current certificates.' : 'It has been replaced since.'}`}
          </>
        ),
      };
  }
}

export function CheckResult({ r }: { r: CertificateCheck }) {
  const [tone, icon, chip] = STATUS_WORDS[r.status];
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
  const errorId = 'f-certificate-error';
  return (
    <section class="card" id="check" aria-labelledby="check-title">
      <h2 id="check-title" class="card-title">
        Check a certificate
      </h2>
      <p class="muted">
        Paste a certificate, or choose its file, to learn whether TEKUP_chat issued it, to whom, and whether it can still be relied on. Nothing you
        check is kept.
      </p>
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
            Certificate (PEM)
          </label>
          <p class="field-hint" id="f-certificate-hint">
            From -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----. A certificate is public; never paste a private key.
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
            Or its file <span class="optional">(optional)</span>
          </label>
          <input id="f-certificateFile" name="certificateFile" type="file" class="input" accept=".pem,.crt,.cer,application/x-pem-file" />
        </div>
        <SubmitRow label="Check certificate" />
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
  return (
    <section class="card" id="proof" aria-labelledby="proof-title">
      <h2 id="proof-title" class="card-title">
        Verify a message proof
      </h2>
      <p class="muted">
        A proof is the file “Save proof” downloads under a received message: the message exactly as its sender signed it, the signature and their
        certificate. It is checked here, in your browser, against the TEKUP_chat root above; only the certificate is sent to the authority, for its
        revocation status. The message never leaves this page.
      </p>
      <noscript>
        <p class="callout callout-warning">Checking a proof here needs JavaScript. Without it, follow the openssl steps in the project’s docs/client-crypto.md.</p>
      </noscript>
      <form class="form" data-form="proof" novalidate>
        <div class="field field-wide" data-field="proof">
          <label for="f-proof" class="field-label">
            Proof file
          </label>
          <p class="field-hint" id="f-proof-hint">
            A .json file named like proof-amira-2026-11-27T10-00-00-000Z.json.
          </p>
          <input id="f-proof" name="proof" type="file" class="input" accept=".json,application/json" aria-describedby="f-proof-hint f-proof-error" />
          <p class="field-error" id="f-proof-error" data-error-for="proof"></p>
        </div>
        <SubmitRow label="Verify proof" />
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
                <dt>From</dt>
                <dd data-slot="from"></dd>
              </div>
              <div>
                <dt>To</dt>
                <dd data-slot="to"></dd>
              </div>
              <div>
                <dt>Sent, as the sender’s device said</dt>
                <dd data-slot="sentAt"></dd>
              </div>
              <div>
                <dt>Certificate now</dt>
                <dd data-slot="status"></dd>
              </div>
              <div class="facts-wide">
                <dt>Signer’s certificate</dt>
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
  const body = (
    <div class="page-wrap page-narrow">
      <header class="page-head">
        <div>
          <h1>Certificate authority</h1>
          <p class="lead">
            Every TEKUP_chat certificate is issued here. Trust the root below — compare its fingerprint through another channel — and check any
            certificate against it.
          </p>
        </div>
      </header>

      <section class="card" aria-labelledby="hierarchy-title">
        <h2 id="hierarchy-title" class="card-title">
          Hierarchy
        </h2>
        <CaCard
          ca={view.root}
          role="Root CA"
          text="The trust anchor, self-signed. Its key signed the issuing CA and signs nothing else."
          files={[
            ['/ca/root.pem', 'Root (PEM)', 'tekup-chat-root.pem'],
            ['/ca/chain.pem', 'Chain (PEM)', 'tekup-chat-chain.pem'],
          ]}
        />
        <CaCard
          ca={view.intermediate}
          role="Issuing CA"
          text="Signed by the root. It signs every user certificate, the server’s TLS certificate, the revocation list and the OCSP responder."
          files={[
            ['/ca/intermediate.pem', 'Issuing CA (PEM)', 'tekup-chat-issuing-ca.pem'],
            ['/ca/intermediate.cer', 'Issuing CA (DER)', 'tekup-chat-issuing-ca.cer'],
          ]}
        />
      </section>

      <section class="card" aria-labelledby="revocation-title">
        <h2 id="revocation-title" class="card-title">
          Revocation
        </h2>
        <p class="muted">A revoked certificate is listed at once, in a new revocation list and in every OCSP answer.</p>
        <dl class="facts facts-grid" data-crl-number={String(view.crl.number)}>
          <div>
            <dt>Revocation list number</dt>
            <dd>{String(view.crl.number)}</dd>
          </div>
          <div>
            <dt>Certificates revoked</dt>
            <dd data-crl-revoked>{String(view.crl.revoked)}</dd>
          </div>
          <div>
            <dt>Published</dt>
            <dd>
              <LocalTime iso={view.crl.thisUpdate} />
            </dd>
          </div>
          <div>
            <dt>Next update by</dt>
            <dd>
              <LocalTime iso={view.crl.nextUpdate} />
            </dd>
          </div>
          <div class="facts-wide">
            <dt>OCSP responder</dt>
            <dd>
              <code class="mono">{view.ocspUrl}</code>
            </dd>
          </div>
        </dl>
        <p class="file-links">
          <a class="btn btn-secondary btn-sm" href="/ca/crl" download="tekup-chat.crl">
            <Icon name="download" />
            Revocation list (DER)
          </a>
          <a class="btn btn-secondary btn-sm" href="/ca/crl.pem" download="tekup-chat-crl.pem">
            <Icon name="download" />
            Revocation list (PEM)
          </a>
        </p>
        {view.crl.latest.length ? (
          <details class="howto">
            <summary>
              Revoked certificates
              {view.crl.revoked > view.crl.latest.length ? ` (the latest ${view.crl.latest.length} of ${view.crl.revoked})` : ` (${view.crl.revoked})`}
            </summary>
            <table class="revoked-table">
              <caption class="visually-hidden">Revoked certificates, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Serial number</th>
                  <th scope="col">Revoked</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {view.crl.latest.map((r) => (
                  <tr data-revoked-serial={r.serial}>
                    <td class="mono">{r.serial}</td>
                    <td>
                      <LocalTime iso={r.revokedAt} />
                    </td>
                    <td>{revocationReasonText(r.reason)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        ) : null}
        <details class="howto">
          <summary>Check a certificate yourself, with openssl</summary>
          <pre class="mono">
            {[
              `curl -s ${view.publicUrl}/ca/root.pem -o root.pem`,
              `curl -s ${view.publicUrl}/ca/intermediate.pem -o intermediate.pem`,
              'openssl verify -CAfile root.pem -untrusted intermediate.pem cert.pem',
              `openssl ocsp -issuer intermediate.pem -cert cert.pem -url ${view.ocspUrl} -CAfile root.pem`,
              `curl -s ${view.publicUrl}/api/v1/certificates/check -F certificate=@cert.pem`,
            ].join('\n')}
          </pre>
        </details>
      </section>

      <CheckCard state={check} />

      <ProofCard />
    </div>
  );
  return viewer ? (
    <AppShell title="Certificate authority" page="authority" viewer={viewer}>
      {body}
    </AppShell>
  ) : (
    <PublicShell title="Certificate authority" page="authority">
      {body}
    </PublicShell>
  );
}
