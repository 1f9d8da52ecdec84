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
import { useT, requestLocale } from '../i18n.ts';
import { Sentence } from '../components/Sentence.tsx';

export interface CertificateView {
  current: CertificateStanding;
  history: CertificateStanding[];
  subject: { name: string; login: string; email: string };
  issuer: string;
  rootFingerprint: string;
}


function StatusChip({ s }: { s: CertificateStanding }) {
  const t = useT();
  const [cls, icon, text] =
    s.status === 'valid'
      ? ['chip-ok', 'shieldCheck', t('account.status.valid')] as const
      : s.status === 'expiring'
        ? ['chip-warn', 'clock', s.daysLeft <= 0 ? t('account.status.expires-today') : t('account.status.expires-in', { count: s.daysLeft })] as const
        : s.status === 'expired'
          ? ['chip-danger', 'alert', t('account.status.expired')] as const
          : s.status === 'revoked'
            ? ['chip-danger', 'x', s.revocationReason ? t('account.status.revoked-because', { reason: revocationReasonText(s.revocationReason, requestLocale()) }) : t('account.status.revoked')] as const
            : ['chip-warn', 'clock', t('account.status.not-yet-valid')] as const;
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
  const t = useT();
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
              t('account.cert.expired-callout')
            ) : (
              <Sentence text={t('account.cert.expiring-callout')} slots={{ date: <LocalTime iso={s.notAfter} style="date" /> }} />
            )}
          </p>
        </div>
      ) : null}
      <dl class="facts facts-grid">
        <div>
          <dt>{t('account.cert.serial')}</dt>
          <dd class="mono">{s.serial}</dd>
        </div>
        <div>
          <dt>{t('account.cert.issuer')}</dt>
          <dd>{view.issuer}</dd>
        </div>
        <div>
          <dt>{t('account.cert.valid-from')}</dt>
          <dd>
            <LocalTime iso={s.notBefore} style="date" />
          </dd>
        </div>
        <div>
          <dt>{t('account.cert.valid-until')}</dt>
          <dd>
            <LocalTime iso={s.notAfter} style="date" />
            {s.status === 'valid' || s.status === 'expiring' ? <span class="muted">{` · ${t('account.cert.days-left', { count: Math.max(0, s.daysLeft) })}`}</span> : null}
          </dd>
        </div>
        <div class="facts-wide">
          <dt>{t('account.cert.fingerprint')}</dt>
          <dd>
            <code class="fingerprint">{groupedHex(s.fingerprint)}</code>
          </dd>
        </div>
        <div class="facts-wide">
          <dt id="lifetime-label">{t('account.cert.lifetime')}</dt>
          <dd>
            <meter class={warn ? 'lifetime is-warn' : 'lifetime'} min={0} max={life.total} low={Math.floor(life.total * 0.75)} high={Math.floor(life.total * 0.9)} optimum={0} value={life.used} aria-labelledby="lifetime-label">
              {t('account.cert.lifetime-days', { used: life.used, count: life.total })}
            </meter>
            <span class="muted meter-text">{t('account.cert.lifetime-days', { used: life.used, count: life.total })}</span>
          </dd>
        </div>
      </dl>
      {view.history.length > 1 ? (
        <details class="history">
          <summary>
            {t('account.history.title')} <span class="count-badge count-badge-muted">{String(view.history.length - 1)}</span>
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
                  {h.revokedAt ? <TimeAgo iso={h.revokedAt} prefix={t('account.history.revoked-prefix')} /> : null}
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
  const t = useT();
  return (
    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title" class="card-title">
        {t('account.sessions.title')}
      </h2>
      <ul class="session-list" data-sessions>
        {sessions.map((s) => (
          <li class="session-row" data-session={s.id}>
            <div>
              <p class="session-device">
                <strong>{deviceText(s.userAgent, requestLocale())}</strong>
                {s.current ? <span class="chip chip-ok">{t('account.sessions.this-browser')}</span> : null}
              </p>
              <p class="muted small">
                <TimeAgo iso={s.createdAt} prefix={t('account.sessions.logged-in-prefix')} />
                {' · '}
                <Sentence text={t('account.sessions.ends')} slots={{ time: <LocalTime iso={s.expiresAt} /> }} />
              </p>
            </div>
            {s.current ? null : (
              <button type="button" class="btn btn-secondary btn-sm" data-action="end-session" data-session-id={s.id}
                {...timeLabel(t('account.sessions.log-out-label', { device: deviceText(s.userAgent, requestLocale()) }), s.createdAt)}
              >
                {t('account.sessions.log-out')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <p class="muted small">{t('account.sessions.note')}</p>
    </section>
  );
}

/** The fragment htmx reloads when a device is linked or revoked (/ui/devices). */
export function DeviceList({ devices }: { devices: DeviceEntry[] }) {
  const t = useT();
  return (
    <ul class="session-list" data-devices>
      {devices.map((d) => (
        <li class="session-row" data-device={d.serial} data-device-name={d.deviceName} data-current={d.current ? 'true' : undefined}>
          <div>
            <p class="session-device">
              <strong>{d.deviceName}</strong>
              {d.current ? <span class="chip chip-ok">{t('account.devices.this-device')}</span> : null}
            </p>
            <p class="muted small">
              <Sentence text={t('account.devices.since')} slots={{ date: <LocalTime iso={d.createdAt} style="date" /> }} />
              {' · '}
              {d.lastSeen ? <TimeAgo iso={d.lastSeen} prefix={t('account.devices.last-seen-prefix')} /> : t('account.devices.not-logged-in')}
            </p>
          </div>
          {/* Two devices may share a name: the label says when each was added. */}
          <button type="button" class="btn btn-secondary btn-sm" data-action="revoke-device" data-serial={d.serial} aria-haspopup="dialog" {...timeLabel(t('account.devices.revoke-label', { device: d.deviceName }), d.createdAt, 'date')}>
            {t('account.devices.revoke')}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Each device with a key and a certificate of its own (protocol §6), and the requests to add one. */
function Devices({ devices }: { devices: DeviceEntry[] }) {
  const t = useT();
  return (
    <section class="card" aria-labelledby="devices-title">
      <h2 id="devices-title" class="card-title">
        {t('account.devices.title')}
      </h2>
      <div id="device-list" hx-get="/ui/devices" hx-trigger="devices-changed from:body" hx-swap="innerHTML">
        <DeviceList devices={devices} />
      </div>
      {/* Filled by the script with the requests not answered yet (client/ui/device-requests.ts). */}
      <div class="pending-requests" data-pending-requests hidden>
        <h3 class="manage-title">{t('account.devices.pending')}</h3>
        <ul class="session-list" data-pending-list></ul>
      </div>
      <p class="muted small">{t('account.devices.note')}</p>
    </section>
  );
}

const ACTIVITY_SHOWN = 8;

function ActivityRow({ e }: { e: ActivityEntry }) {
  const { text, alert } = activityText(e, requestLocale());
  const where = [e.userAgent ? deviceText(e.userAgent, requestLocale()) : '', e.address ?? ''].filter(Boolean).join(' · ');
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
  const t = useT();
  const [recent, older] = [events.slice(0, ACTIVITY_SHOWN), events.slice(ACTIVITY_SHOWN)];
  return (
    <section class="card" aria-labelledby="activity-title">
      <h2 id="activity-title" class="card-title">
        {t('account.activity.title')}
      </h2>
      {events.length === 0 ? (
        <p class="muted">{t('account.activity.none')}</p>
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
            {t('account.activity.earlier')} <span class="count-badge count-badge-muted">{String(older.length)}</span>
          </summary>
          <ul class="activity-list">
            {older.map((e) => (
              <ActivityRow e={e} />
            ))}
          </ul>
        </details>
      ) : null}
      <p class="muted small">{t('account.activity.note')}</p>
    </section>
  );
}

/** Choices about what others learn of you. */
function Privacy({ receipts }: { receipts: boolean }) {
  const t = useT();
  return (
    <section class="card" aria-labelledby="privacy-title">
      <h2 id="privacy-title" class="card-title">
        {t('account.privacy.title')}
      </h2>
      <label class="check">
        <input type="checkbox" data-action="read-receipts" checked={receipts} />
        <span>
          <strong>{t('account.privacy.receipts')}</strong> {t('account.privacy.receipts-text')}
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
  const t = useT();
  const s = view.current;
  const usable = s.status !== 'revoked';
  return (
    <AppShell title={t('account.title')} page="certificate" viewer={viewer}>
      <div class="page-wrap page-narrow">
        <header class="page-head">
          <div>
            <h1>{t('account.title')}</h1>
            <p class="lead">{t('account.lead')}</p>
          </div>
        </header>
        <div class="notice" data-cert-notice role="status" aria-live="polite" hidden></div>
        <section class="card" aria-label={t('account.cert.label')}>
          <div id="cert-panel" hx-get="/ui/certificate" hx-trigger="certificate-changed from:body" hx-swap="innerHTML">
            <CertificatePanel view={view} now={now} />
          </div>
        </section>

        <section class="card" aria-labelledby="downloads-title">
          <h2 id="downloads-title" class="card-title">{t('account.downloads.title')}</h2>
          <div class="action-list">
            <a class="action" href="/api/v1/certificate.pem" download={`${view.subject.login}.pem`}>
              <Icon name="certificate" />
              <span>
                <strong>{t('account.downloads.certificate')}</strong>
                <span class="muted">{t('account.downloads.certificate-text')}</span>
              </span>
            </a>
            <a class="action" href="/ca/chain.pem" download="tekup-chat-chain.pem">
              <Icon name="server" />
              <span>
                <strong>{t('account.downloads.chain')}</strong>
                <span class="muted">{t('account.downloads.chain-text')}</span>
              </span>
            </a>
            <button type="button" class="action" data-action="download-backup">
              <Icon name="key" />
              <span>
                <strong>{t('account.downloads.backup')}</strong>
                <span class="muted">{t('account.downloads.backup-text')}</span>
              </span>
            </button>
          </div>
          <p class="muted small">
            {t('account.downloads.root-fingerprint')} <code class="fingerprint">{groupedHex(view.rootFingerprint)}</code>
          </p>
          <p class="muted small">
            <Sentence text={t('account.downloads.authority')} slots={{ link: <a href="/authority">{t('account.downloads.authority-link')}</a> }} />
          </p>
        </section>

        <Devices devices={devices} />

        <Sessions sessions={sessions} />

        <Activity events={activity} />

        <Privacy receipts={receipts} />

        {usable ? (
          <section class="card" aria-labelledby="manage-title">
            <h2 id="manage-title" class="card-title">{t('account.manage.title')}</h2>
            <ManageRow title={t('account.manage.password')} text={t('account.manage.password-text')}>
              <button type="button" class="btn btn-secondary" data-action="open-password" aria-haspopup="dialog">
                <Icon name="key" />
                {t('account.manage.password-button')}
              </button>
            </ManageRow>
            <ManageRow title={t('account.manage.renew')} text={t('account.manage.renew-text')}>
              <button type="button" class={s.status === 'expiring' || s.status === 'expired' ? 'btn btn-primary' : 'btn btn-secondary'} data-action="open-renew" aria-haspopup="dialog">
                <Icon name="refresh" />
                {t('account.manage.renew-button')}
              </button>
            </ManageRow>
            <ManageRow danger title={t('account.manage.revoke')} text={t('account.manage.revoke-text')}>
              <button type="button" class="btn btn-danger" data-action="open-revoke" aria-haspopup="dialog">
                <Icon name="x" />
                {t('account.manage.revoke-button')}
              </button>
            </ManageRow>
          </section>
        ) : null}
      </div>

      <dialog class="dialog" id="renew-dialog" aria-labelledby="renew-title">
        <form class="form" method="dialog" data-form="renew" novalidate>
          <h2 id="renew-title">{t('account.renew.title')}</h2>
          <p class="muted">{t('account.renew.text')}</p>
          <Field name="renew-password" label={t('account.renew.password')} type="password" autocomplete="current-password" addon={<RevealButton target="renew-password" />} />
          <label class="check">
            <input type="checkbox" name="compromised" data-compromised />
            <span>{t('account.renew.compromised')}</span>
          </label>
          <p class="form-error" data-form-error role="alert" hidden></p>
          <DialogActions kind="btn-primary" value="renew" label={t('account.renew.submit')} />
        </form>
      </dialog>

      <dialog class="dialog" id="password-dialog" aria-labelledby="password-title">
        <form class="form" method="dialog" data-form="password" novalidate>
          <h2 id="password-title">{t('account.password.title')}</h2>
          <p class="muted">{t('account.password.text')}</p>
          <Field name="currentPassword" label={t('account.password.current')} type="password" autocomplete="current-password" addon={<RevealButton target="currentPassword" />} />
          <Field name="newPassword" label={t('account.password.new')} hint={t('account.password.new-hint')} type="password" autocomplete="new-password" addon={<RevealButton target="newPassword" />} />
          <Field name="confirmPassword" label={t('account.password.again')} type="password" autocomplete="new-password" />
          <p class="form-error" data-form-error role="alert" hidden></p>
          <DialogActions kind="btn-primary" value="password" label={t('account.password.submit')} />
        </form>
      </dialog>

      <dialog class="dialog" id="revoke-dialog" aria-labelledby="revoke-title">
        <form class="form" method="dialog" data-form="revoke" novalidate>
          <h2 id="revoke-title">{t('account.revoke.title')}</h2>
          <p class="muted">{t('account.revoke.text')}</p>
          <div class="field">
            <label for="revoke-reason" class="field-label">
              {t('account.revoke.reason')}
            </label>
            <select id="revoke-reason" name="reason" class="input">
              <option value="keyCompromise">{t('account.revoke.reason.key-compromise')}</option>
              <option value="cessationOfOperation">{t('account.revoke.reason.cessation')}</option>
              <option value="affiliationChanged">{t('account.revoke.reason.affiliation')}</option>
              <option value="unspecified">{t('account.revoke.reason.other')}</option>
            </select>
          </div>
          <p class="form-error" data-form-error role="alert" hidden></p>
          <DialogActions kind="btn-danger" value="revoke" label={t('account.revoke.submit')} />
        </form>
      </dialog>
      <dialog class="dialog" id="device-revoke-dialog" aria-labelledby="device-revoke-title">
        <form class="form" method="dialog" data-form="device-revoke" novalidate>
          <h2 id="device-revoke-title">
            <Sentence text={t('account.device-revoke.title')} slots={{ name: <span data-device-revoke-name></span> }} />
          </h2>
          <p class="muted">{t('account.device-revoke.text')}</p>
          <div class="callout callout-warning" data-device-revoke-current hidden>
            <Icon name="alert" />
            <p data-device-revoke-current-text>{t('account.device-revoke.current')}</p>
          </div>
          <p class="form-error" data-form-error role="alert" hidden></p>
          <DialogActions kind="btn-danger" value="revoke-device" label={t('account.device-revoke.submit')} />
        </form>
      </dialog>
    </AppShell>
  );
}

