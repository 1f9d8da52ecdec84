// The account page ("My certificate"): its standing (valid, expiring, expired, revoked), serial, fingerprint and
// validity, downloads, renewal with a new key made in the browser, and revocation. The panel is a
// fragment htmx reloads after a renewal; the renew and revoke dialogs are driven by the script
// (the new key and CSR are made in the browser).
import type { Child } from 'hono/jsx';
import type { CertificateStanding } from '../../pki/status.ts';
import { AppShell, type Viewer } from '../components/Layout.tsx';
import { activityText, deviceText, groupedHex, revocationReasonText } from '../../shared/format.ts';
import { LocalTime, TimeAgo, timeLabel } from '../components/Time.tsx';
import type { SessionSummary } from '../../protocol/session.ts';
import type { DeviceEntry } from '../../protocol/devices.ts';
import type { ActivityEntry } from '../../protocol/account.ts';
import { DialogActions } from '../components/Dialog.tsx';
import { Icon } from '../components/icons.tsx';
import { Field, RevealButton } from '../components/Field.tsx';
import { FIELD_HINTS } from '../../protocol/enroll.ts';

export interface CertificateView {
  current: CertificateStanding;
  history: CertificateStanding[];
  subject: { name: string; login: string; email: string };
  issuer: string;
  rootFingerprint: string;
}


function StatusChip({ s }: { s: CertificateStanding }) {
  const [cls, icon, text] =
    s.status === 'valid'
      ? ['chip-ok', 'shieldCheck', 'Valid'] as const
      : s.status === 'expiring'
        ? ['chip-warn', 'clock', s.daysLeft <= 0 ? 'Expires today' : `Expires in ${s.daysLeft} day${s.daysLeft === 1 ? '' : 's'}`] as const
        : s.status === 'expired'
          ? ['chip-danger', 'alert', 'Expired'] as const
          : s.status === 'revoked'
            ? ['chip-danger', 'x', `Revoked${s.revocationReason ? ` (${revocationReasonText(s.revocationReason)})` : ''}`] as const
            : ['chip-warn', 'clock', 'Not valid yet'] as const;
  return (
    <span class={`chip ${cls}`}>
      <Icon name={icon} />
      <span>{text}</span>
    </span>
  );
}

function lifetime(s: CertificateStanding, now: number): { total: number; used: number } {
  const start = Date.parse(s.notBefore);
  const end = Date.parse(s.notAfter);
  const total = Math.max(1, Math.round((end - start) / 86_400_000));
  const used = Math.min(total, Math.max(0, Math.round((now - start) / 86_400_000)));
  return { total, used };
}

export function CertificatePanel({ view, now }: { view: CertificateView; now: number }) {
  const s = view.current;
  const life = lifetime(s, now);
  const warn = s.status === 'expiring' || s.status === 'expired';
  return (
    <div class="cert-panel" data-cert-status={s.status} data-cert-serial={s.serial}>
      <div class="cert-hero">
        <div class={`cert-seal seal-${s.status}`} aria-hidden="true">
          <Icon name={s.status === 'valid' ? 'shieldCheck' : 'shieldAlert'} />
        </div>
        <div class="cert-hero-main">
          <h2 class="cert-hero-title">{view.subject.name}</h2>
          <p class="muted">
            @{view.subject.login} · {view.subject.email}
          </p>
          <StatusChip s={s} />
        </div>
      </div>
      {warn ? (
        <div class="callout callout-warning" role="status">
          <Icon name="alert" />
          <p>
            {s.status === 'expired' ? (
              'This certificate has expired: renew it to keep logging in and sending messages.'
            ) : (
              <>
                {'This certificate expires on '}
                <LocalTime iso={s.notAfter} style="date" />
                {'. Renew it now: you get a new key and a new certificate, and keep your account and messages.'}
              </>
            )}
          </p>
        </div>
      ) : null}
      <dl class="facts facts-grid">
        <div>
          <dt>Serial number</dt>
          <dd class="mono">{s.serial}</dd>
        </div>
        <div>
          <dt>Issued by</dt>
          <dd>{view.issuer}</dd>
        </div>
        <div>
          <dt>Valid from</dt>
          <dd>
            <LocalTime iso={s.notBefore} style="date" />
          </dd>
        </div>
        <div>
          <dt>Valid until</dt>
          <dd>
            <LocalTime iso={s.notAfter} style="date" />
            {s.status === 'valid' || s.status === 'expiring' ? <span class="muted">{` · ${Math.max(0, s.daysLeft)} days left`}</span> : null}
          </dd>
        </div>
        <div class="facts-wide">
          <dt>Fingerprint (SHA-256)</dt>
          <dd>
            <code class="fingerprint">{groupedHex(s.fingerprint)}</code>
          </dd>
        </div>
        <div class="facts-wide">
          <dt id="lifetime-label">Lifetime used</dt>
          <dd>
            <meter class={warn ? 'lifetime is-warn' : 'lifetime'} min={0} max={life.total} low={Math.floor(life.total * 0.75)} high={Math.floor(life.total * 0.9)} optimum={0} value={life.used} aria-labelledby="lifetime-label">
              {`${life.used} of ${life.total} days`}
            </meter>
            <span class="muted meter-text">{`${life.used} of ${life.total} days`}</span>
          </dd>
        </div>
      </dl>
      {view.history.length > 1 ? (
        <details class="history">
          <summary>
            Earlier certificates <span class="count-badge count-badge-muted">{String(view.history.length - 1)}</span>
          </summary>
          <ul class="history-list">
            {view.history
              .filter((h) => h.serial !== s.serial)
              .map((h) => (
                <li>
                  <code class="mono">{h.serial}</code>
                  <span class="muted">
                    <LocalTime iso={h.notBefore} style="date" />
                    {' – '}
                    <LocalTime iso={h.notAfter} style="date" />
                  </span>
                  <StatusChip s={h} />
                  {h.revokedAt ? <TimeAgo iso={h.revokedAt} prefix="revoked " /> : null}
                </li>
              ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

/** One thing to do with the account: what it does, and its button. */
function ManageRow({ title, text, danger, children }: { title: string; text: string; danger?: boolean; children: Child }) {
  return (
    <div class={danger ? 'manage-row manage-danger' : 'manage-row'}>
      <div>
        <h3 class="manage-title">{title}</h3>
        <p class="muted">{text}</p>
      </div>
      {children}
    </div>
  );
}

/** Where the viewer is logged in, with a way to end the other sessions. */
function Sessions({ sessions }: { sessions: SessionSummary[] }) {
  return (
    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title" class="card-title">
        Where you are logged in
      </h2>
      <ul class="session-list" data-sessions>
        {sessions.map((s) => (
          <li class="session-row" data-session={s.id}>
            <div>
              <p class="session-device">
                <strong>{deviceText(s.userAgent)}</strong>
                {s.current ? <span class="chip chip-ok">This browser</span> : null}
              </p>
              <p class="muted small">
                <TimeAgo iso={s.createdAt} prefix="Logged in " />
                {' · ends '}
                <LocalTime iso={s.expiresAt} />
              </p>
            </div>
            {s.current ? null : (
              <button type="button" class="btn btn-secondary btn-sm" data-action="end-session" data-session-id={s.id}
                {...timeLabel(`Log out ${deviceText(s.userAgent)}, logged in {time}`, s.createdAt)}
              >
                Log out
              </button>
            )}
          </li>
        ))}
      </ul>
      <p class="muted small">A session lasts 12 hours. Changing your password logs out every other one; revoking your certificate logs out all of them.</p>
    </section>
  );
}

/** The fragment htmx reloads when a device is linked or revoked (/ui/devices). */
export function DeviceList({ devices }: { devices: DeviceEntry[] }) {
  return (
    <ul class="session-list" data-devices>
      {devices.map((d) => (
        <li class="session-row" data-device={d.serial} data-device-name={d.deviceName} data-current={d.current ? 'true' : undefined}>
          <div>
            <p class="session-device">
              <strong>{d.deviceName}</strong>
              {d.current ? <span class="chip chip-ok">This device</span> : null}
            </p>
            <p class="muted small">
              {'Since '}
              <LocalTime iso={d.createdAt} style="date" />
              {' · '}
              {d.lastSeen ? <TimeAgo iso={d.lastSeen} prefix="last seen " /> : 'not logged in now'}
            </p>
          </div>
          {/* Two devices may share a name: the label says when each was added. */}
          <button type="button" class="btn btn-secondary btn-sm" data-action="revoke-device" data-serial={d.serial} aria-haspopup="dialog" {...timeLabel(`Revoke ${d.deviceName}, added {time}`, d.createdAt, 'date')}>
            Revoke
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Each device with a key and a certificate of its own (protocol §6), and the requests to add one. */
function Devices({ devices }: { devices: DeviceEntry[] }) {
  return (
    <section class="card" aria-labelledby="devices-title">
      <h2 id="devices-title" class="card-title">
        My devices
      </h2>
      <div id="device-list" hx-get="/ui/devices" hx-trigger="devices-changed from:body" hx-swap="innerHTML">
        <DeviceList devices={devices} />
      </div>
      {/* Filled by the script with the requests not answered yet (client/ui/device-requests.ts). */}
      <div class="pending-requests" data-pending-requests hidden>
        <h3 class="manage-title">Waiting for your approval</h3>
        <ul class="session-list" data-pending-list></ul>
      </div>
      <p class="muted small">
        Each device has its own key and certificate; no key is ever copied between them. To add one, open TEKUP_chat on it and choose “Use TEKUP_chat on this
        device too” on the login page, then type the code it shows into the prompt on a device where you are logged in.
      </p>
    </section>
  );
}

const ACTIVITY_SHOWN = 8;

function ActivityRow({ e }: { e: ActivityEntry }) {
  const { text, alert } = activityText(e);
  const where = [e.userAgent ? deviceText(e.userAgent) : '', e.address ?? ''].filter(Boolean).join(' · ');
  return (
    <li class={alert ? 'activity-row is-alert' : 'activity-row'} data-activity={e.kind}>
      <span class="activity-icon" aria-hidden="true">
        <Icon name={alert ? 'shieldAlert' : e.kind === 'login' ? 'checkCircle' : 'info'} />
      </span>
      <div>
        <p class="activity-text">{text}</p>
        <p class="muted small">
          {where ? `${where} · ` : ''}
          <TimeAgo iso={e.at} />
        </p>
      </div>
    </li>
  );
}

/** What happened to the account lately, so its owner notices what they did not do. */
function Activity({ events }: { events: ActivityEntry[] }) {
  const [recent, older] = [events.slice(0, ACTIVITY_SHOWN), events.slice(ACTIVITY_SHOWN)];
  return (
    <section class="card" aria-labelledby="activity-title">
      <h2 id="activity-title" class="card-title">
        Security activity
      </h2>
      {events.length === 0 ? (
        <p class="muted">Nothing yet.</p>
      ) : (
        <ul class="activity-list" data-activity-list>
          {recent.map((e) => (
            <ActivityRow e={e} />
          ))}
        </ul>
      )}
      {older.length ? (
        <details class="history">
          <summary>
            Earlier <span class="count-badge count-badge-muted">{String(older.length)}</span>
          </summary>
          <ul class="activity-list">
            {older.map((e) => (
              <ActivityRow e={e} />
            ))}
          </ul>
        </details>
      ) : null}
      <p class="muted small">
        Something you did not do? Change your password; if your key may have been copied, renew with “My old key may have been stolen”, or revoke.
      </p>
    </section>
  );
}

/** Choices about what others learn of you. */
function Privacy({ receipts }: { receipts: boolean }) {
  return (
    <section class="card" aria-labelledby="privacy-title">
      <h2 id="privacy-title" class="card-title">
        Privacy
      </h2>
      <label class="check">
        <input type="checkbox" data-action="read-receipts" checked={receipts} />
        <span>
          <strong>Read receipts.</strong> Others see “Seen” once you have read their messages, and you see it under yours. Turned off, neither is
          shown.
        </span>
      </label>
      <p class="form-error" data-receipts-error role="alert" hidden></p>
    </section>
  );
}

export function AccountPage({
  viewer,
  view,
  now,
  sessions,
  devices,
  activity,
  receipts,
}: {
  viewer: Viewer;
  view: CertificateView;
  now: number;
  sessions: SessionSummary[];
  devices: DeviceEntry[];
  activity: ActivityEntry[];
  receipts: boolean;
}) {
  const s = view.current;
  const usable = s.status !== 'revoked';
  return (
    <AppShell title="My certificate" page="certificate" viewer={viewer}>
      <div class="page-wrap page-narrow">
        <header class="page-head">
          <div>
            <h1>My certificate</h1>
            <p class="lead">Your identity on TEKUP_chat: issued by its certificate authority for the key only you hold.</p>
          </div>
        </header>
        <div class="notice" data-cert-notice role="status" aria-live="polite" hidden></div>
        <section class="card" aria-label="Certificate details">
          <div id="cert-panel" hx-get="/ui/certificate" hx-trigger="certificate-changed from:body" hx-swap="innerHTML">
            <CertificatePanel view={view} now={now} />
          </div>
        </section>

        <section class="card" aria-labelledby="downloads-title">
          <h2 id="downloads-title" class="card-title">Downloads</h2>
          <div class="action-list">
            <a class="action" href="/api/v1/certificate.pem" download={`${view.subject.login}.pem`}>
              <Icon name="certificate" />
              <span>
                <strong>My certificate</strong>
                <span class="muted">PEM, public: share it freely</span>
              </span>
            </a>
            <a class="action" href="/ca/chain.pem" download="tekup-chat-chain.pem">
              <Icon name="server" />
              <span>
                <strong>CA chain</strong>
                <span class="muted">Intermediate and root certificates, PEM</span>
              </span>
            </a>
            <button type="button" class="action" data-action="download-backup">
              <Icon name="key" />
              <span>
                <strong>Key backup</strong>
                <span class="muted">Your private key, encrypted with your password</span>
              </span>
            </button>
          </div>
          <p class="muted small">
            Root CA fingerprint: <code class="fingerprint">{groupedHex(view.rootFingerprint)}</code>
          </p>
          <p class="muted small">
            <a href="/authority">The certificate authority</a>: its hierarchy, revocation list and OCSP responder, and a check for any certificate.
          </p>
        </section>

        <Devices devices={devices} />

        <Sessions sessions={sessions} />

        <Activity events={activity} />

        <Privacy receipts={receipts} />

        {usable ? (
          <section class="card" aria-labelledby="manage-title">
            <h2 id="manage-title" class="card-title">Manage</h2>
            <ManageRow title="Password" text="Change the password you log in with. The key kept in this browser is re-encrypted with it, and your other sessions end.">
              <button type="button" class="btn btn-secondary" data-action="open-password" aria-haspopup="dialog">
                <Icon name="key" />
                Change password
              </button>
            </ManageRow>
            <ManageRow title="Renew" text="Make a new key in this browser and get a new certificate for it. The old one stops working; your account and messages stay.">
              <button type="button" class={s.status === 'expiring' || s.status === 'expired' ? 'btn btn-primary' : 'btn btn-secondary'} data-action="open-renew" aria-haspopup="dialog">
                <Icon name="refresh" />
                Renew certificate
              </button>
            </ManageRow>
            <ManageRow danger title="Revoke" text="If your key or password was stolen. The certificate can never be used again and you are logged out at once.">
              <button type="button" class="btn btn-danger" data-action="open-revoke" aria-haspopup="dialog">
                <Icon name="x" />
                Revoke certificate
              </button>
            </ManageRow>
          </section>
        ) : null}
      </div>

      <dialog class="dialog" id="renew-dialog" aria-labelledby="renew-title">
        <form class="form" method="dialog" data-form="renew" novalidate>
          <h2 id="renew-title">Renew your certificate</h2>
          <p class="muted">A new RSA key is created in this browser, and TEKUP_chat issues a certificate for it. Enter your password: it encrypts the new key, here and in its backup.</p>
          <Field name="renew-password" label="Password" type="password" autocomplete="current-password" addon={<RevealButton target="renew-password" />} />
          <label class="check">
            <input type="checkbox" name="compromised" data-compromised />
            <span>My old key may have been stolen (the old certificate is revoked as compromised)</span>
          </label>
          <p class="form-error" data-form-error role="alert" hidden></p>
          <DialogActions kind="btn-primary" value="renew" label="Renew now" />
        </form>
      </dialog>

      <dialog class="dialog" id="password-dialog" aria-labelledby="password-title">
        <form class="form" method="dialog" data-form="password" novalidate>
          <h2 id="password-title">Change your password</h2>
          <p class="muted">Your key in this browser is re-encrypted with the new password. Key backup files you saved before keep opening with the old one.</p>
          <Field name="currentPassword" label="Current password" type="password" autocomplete="current-password" addon={<RevealButton target="currentPassword" />} />
          <Field name="newPassword" label="New password" hint={FIELD_HINTS.password} type="password" autocomplete="new-password" addon={<RevealButton target="newPassword" />} />
          <Field name="confirmPassword" label="New password again" type="password" autocomplete="new-password" />
          <p class="form-error" data-form-error role="alert" hidden></p>
          <DialogActions kind="btn-primary" value="password" label="Change password" />
        </form>
      </dialog>

      <dialog class="dialog" id="revoke-dialog" aria-labelledby="revoke-title">
        <form class="form" method="dialog" data-form="revoke" novalidate>
          <h2 id="revoke-title">Revoke your certificate?</h2>
          <p class="muted">Revocation cannot be undone. You will be logged out and this certificate will be refused everywhere.</p>
          <div class="field">
            <label for="revoke-reason" class="field-label">
              Reason
            </label>
            <select id="revoke-reason" name="reason" class="input">
              <option value="keyCompromise">My key or password was stolen</option>
              <option value="cessationOfOperation">I no longer use TEKUP_chat</option>
              <option value="affiliationChanged">I left the organisation</option>
              <option value="unspecified">Another reason</option>
            </select>
          </div>
          <p class="form-error" data-form-error role="alert" hidden></p>
          <DialogActions kind="btn-danger" value="revoke" label="Revoke certificate" />
        </form>
      </dialog>
      <dialog class="dialog" id="device-revoke-dialog" aria-labelledby="device-revoke-title">
        <form class="form" method="dialog" data-form="device-revoke" novalidate>
          <h2 id="device-revoke-title">
            Revoke “<span data-device-revoke-name></span>”?
          </h2>
          <p class="muted">
            It is logged out at once and its certificate can never be used again. Messages sent from now on carry no key for it. To use TEKUP_chat there
            again, link it anew.
          </p>
          <div class="callout callout-warning" data-device-revoke-current hidden>
            <Icon name="alert" />
            <p data-device-revoke-current-text>This is the device you are using: you will be logged out.</p>
          </div>
          <p class="form-error" data-form-error role="alert" hidden></p>
          <DialogActions kind="btn-danger" value="revoke-device" label="Revoke device" />
        </form>
      </dialog>
    </AppShell>
  );
}

