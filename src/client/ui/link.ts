// The /link page: this browser joins an account already used on another device (protocol §6).
// It makes a key of its own, encrypted with the password at once as registration does, and asks
// with a CSR; the server answers a 6-digit code to show and a secret only this page knows. The
// page then asks every 2 s whether a logged-in device approved; once it did, the certificate is
// kept beside the encrypted key here and the same key logs in. The key's PKCS#8 bytes are wiped
// as soon as the backup is made (newKeyWithCsr): nothing but the encrypted backup and the
// non-extractable keys in memory is left, and none of it is ever sent.
import { pageTime } from './times.ts';
import * as v from 'valibot';
import { linkRequestSchema, type LinkRequestResponse, type LinkWaiting } from '../../protocol/device-link.ts';
import { issuesToFields, type EnrollResponse } from '../../protocol/enroll.ts';
import { deviceText, groupedHex } from '../../shared/format.ts';
import type { KeyPair } from '../keys.ts';
import { toHex } from '../x509.ts';
import { ApiError, api } from './api.ts';
import { must, setBusy } from './dom.ts';
import { FormUi, inPageLanguage, bindRevealButtons, type FieldErrors } from './fields.ts';
import { newKeyWithCsr, progressSteps } from './issued.ts';
import { forgetUnlocked, getBackup, saveBackup } from './keystore.ts';
import { lowercaseLogin } from './login-case.ts';
import { refusalFor } from './refusals.ts';
import { signIn } from './signin.ts';
import { pageLocale, t } from '../i18n.ts';
import type { ClientKey } from '../messages/index.ts';

const FIELDS = ['login', 'password', 'deviceName'] as const;
const POLL_MS = 2000;

/** What a request that ended says, by the `state` of the server's 410 (catalogue keys). */
const ENDED: Record<string, { title: ClientKey; text: ClientKey }> = {
  refused: { title: 'acct.link.refused.title', text: 'acct.link.refused.text' },
  failed: { title: 'acct.link.failed-codes.title', text: 'acct.link.failed-codes.text' },
  expired: { title: 'acct.link.expired.title', text: 'acct.link.expired.text' },
};

/** "9:41" of what is left until `deadline` (ms since the epoch). */
function clock(deadline: number): string {
  const s = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function initLink(): void {
  // Arriving here means no session: whatever a previous one left unlocked is closed now.
  void forgetUnlocked().catch(() => {});
  const form = must<HTMLFormElement>('[data-form="link"]');
  const ui = new FormUi(form, { markValid: false });
  lowercaseLogin(ui.input('login'));
  bindRevealButtons();
  const name = ui.input('deviceName');
  // What the other devices will list it as, until the person says better.
  if (!name.value) name.value = deviceText(navigator.userAgent, pageLocale()).slice(0, 64);

  const steps = { form: must('[data-step="form"]'), wait: must('[data-step="wait"]'), ended: must('[data-step="ended"]') };
  const show = (step: keyof typeof steps, focus: HTMLElement) => {
    for (const [k, el] of Object.entries(steps)) el.hidden = k !== step;
    focus.focus();
  };
  const refusal = must('[data-refusal]', form);
  const submit = must<HTMLButtonElement>('[data-submit]', form);
  const progress = must('[data-progress]', form);
  const live = must('[data-progress-live]', form);
  const step = progressSteps(progress, live);
  const status = must('[data-link-status-text]');
  const countdown = must('[data-link-countdown]');

  const validate = (): FieldErrors => {
    const parsed = v.safeParse(linkRequestSchema, { login: ui.value('login'), password: ui.value('password'), csr: 'pending', deviceName: ui.value('deviceName') });
    const errors: FieldErrors = parsed.success ? {} : inPageLanguage(issuesToFields(parsed.issues));
    return Object.fromEntries(FIELDS.map((f) => [f, errors[f]]));
  };
  ui.live([...FIELDS], validate);

  const showRefusal = (title: string, text: string) => {
    must('[data-refusal-title]', refusal).textContent = title;
    must('[data-refusal-text]', refusal).textContent = text;
    refusal.hidden = false;
    refusal.focus();
  };

  /** Bumped by every new request, so the polls and the countdown of an older one stop. */
  let attempt = 0;

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    refusal.hidden = true;
    if (!ui.submitCheck(validate(), [...FIELDS])) return;
    setBusy(submit, true);
    progress.hidden = false;
    const login = ui.value('login').trim().toLowerCase();
    const password = ui.value('password');
    const deviceName = ui.value('deviceName').trim();
    try {
      const { key, csr, backup } = await newKeyWithCsr(login, password, step);
      step('ask');
      // What the prompt on the other device shows too: the SHA-256 of this key's SubjectPublicKeyInfo.
      const fingerprint = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', key.spki)));
      const asked = await api<LinkRequestResponse>('POST', '/api/v1/devices/link', { login, password, csr, deviceName });
      progress.hidden = true;
      live.textContent = '';
      void wait({ login, password, deviceName, key, backup, fingerprint, asked });
    } catch (err) {
      progress.hidden = true;
      live.textContent = '';
      if (err instanceof ApiError && err.code === 'validation' && Object.keys(err.fields).length) {
        const { csr, ...rest } = err.fields;
        ui.show(rest);
        if (Object.keys(rest).length) ui.showSummary(rest);
        if (csr) showRefusal(t('acct.link.csr-refused'), csr);
      } else if (err instanceof ApiError) {
        // A wrong password, too many tries, no connection: worded as the login page words them.
        const r = ['invalid_credentials', 'rate_limited', 'network'].includes(err.code) ? refusalFor(err) : { title: t('acct.link.failed'), text: err.message };
        showRefusal(r.title, r.text);
      } else {
        showRefusal(t('acct.link.key-failed.title'), t('acct.link.key-failed.text'));
      }
    } finally {
      setBusy(submit, false);
    }
  });

  interface Waiting {
    login: string;
    password: string;
    deviceName: string;
    key: KeyPair;
    backup: string;
    fingerprint: string;
    asked: LinkRequestResponse;
  }

  async function wait(w: Waiting): Promise<void> {
    const mine = ++attempt;
    const current = () => mine === attempt;
    must('[data-link-code]').textContent = `${w.asked.code.slice(0, 3)} ${w.asked.code.slice(3)}`;
    must('[data-link-fingerprint]').textContent = groupedHex(w.fingerprint);
    must('[data-link-name]').textContent = w.deviceName;
    status.textContent = t('acct.link.waiting');
    // On this browser's clock: the server's answer alone ends the request, so a clock that is off
    // misleads only the countdown, never what the page does.
    const deadline = Date.parse(w.asked.expiresAt);
    const until = pageTime(w.asked.expiresAt, 'time');
    const tick = () => {
      countdown.textContent = Date.now() < deadline ? t('acct.link.countdown', { left: clock(deadline), until }) : t('acct.link.countdown-over');
    };
    tick();
    const timer = setInterval(() => (current() ? tick() : clearInterval(timer)), 1000);
    show('wait', must('#wait-title'));

    const headers = { authorization: `Bearer ${w.asked.secret}` };
    for (;;) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (!current()) return;
      let answer: LinkWaiting | EnrollResponse;
      try {
        answer = await api<LinkWaiting | EnrollResponse>('GET', `/api/v1/devices/link/${w.asked.request}`, undefined, headers);
      } catch (err) {
        if (err instanceof ApiError && (err.code === 'gone' || err.status === 404)) {
          clearInterval(timer);
          const ended = ENDED[err.state ?? ''];
          return ended ? showEnded(t(ended.title), t(ended.text), true) : showEnded(t('acct.link.ended.title'), err.message, true);
        }
        // Offline or a busy server: ask again, and say so meanwhile.
        status.textContent = t(err instanceof ApiError && err.code === 'network' ? 'acct.link.connection-lost' : 'acct.link.busy');
        continue;
      }
      if ('state' in answer) {
        status.textContent = t('acct.link.waiting');
        continue;
      }
      clearInterval(timer);
      countdown.textContent = t('acct.link.approved');
      return finish(w, answer);
    }
  }

  /** Approved: the key kept here with its certificate, as registration keeps it, then logged in. */
  async function finish(w: Waiting, issued: EnrollResponse): Promise<void> {
    status.textContent = t('acct.link.approved-logging-in');
    try {
      // A key this browser kept for the login before (an earlier link, a backup file) stays, to
      // read the messages that were wrapped for it.
      const before = await getBackup(issued.login).catch(() => undefined);
      const previous = before ? [{ backup: before.backup, serial: before.serial }, ...(before.previous ?? [])] : [];
      await saveBackup({ login: issued.login, backup: w.backup, certificate: issued.certificate, serial: issued.serial, ...(previous.length ? { previous } : {}) }).catch(() => {
        // No IndexedDB (private mode in some browsers): this session works, the next login needs a link again.
      });
      await signIn(issued.login, w.password, w.key, issued.certificate);
      status.textContent = t('acct.logged-in');
      location.assign('/chat');
    } catch (err) {
      const r = err instanceof ApiError ? refusalFor(err) : { title: t('acct.refusal.default.title'), text: String(err) };
      showEnded(t('acct.link.linked.title'), t('acct.link.linked.login-failed', { title: r.title, text: r.text }), false);
    }
  }

  const again = must<HTMLButtonElement>('[data-action="link-again"]');
  /** The last step: how the request ended, and Start again unless this device is linked after all. */
  function showEnded(title: string, text: string, canRetry: boolean): void {
    must('[data-ended-title]').textContent = title;
    must('[data-ended-text]').textContent = text;
    again.hidden = !canRetry;
    show('ended', must('#ended-title'));
  }

  again.addEventListener('click', () => {
    attempt++;
    show('form', ui.input('password'));
  });
}
