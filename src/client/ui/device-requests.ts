// The prompt on a device where the person is logged in, when a new device asks to be linked
// (protocol §6). Requests arrive by the event stream (shell.ts turns `event: device_request` into a
// `device-request` DOM event) and, for those made while no page was open, from GET
// /api/v1/devices/requests when a page loads. One request is shown at a time; "Not now" (or
// Escape) puts it off for the rest of the browser session, so every page load does not ask again:
// My devices lists it with a Review button until it is answered or expires.
import { pageTime } from './times.ts';
import type { DeviceRequestEvent, LinkApproved, PendingDeviceRequest } from '../../protocol/device-link.ts';
import { LINK_CODE_PATTERN } from '../../protocol/device-link.ts';
import { deviceText, groupedHex } from '../../shared/format.ts';
import { ApiError, api } from './api.ts';
import { $, must, setBusy } from './dom.ts';
import { FormUi } from './fields.ts';
import { pageLocale, t } from '../i18n.ts';

const PUT_OFF_KEY = 'tekup.link-requests-put-off';

function putOff(): Set<string> {
  try {
    return new Set(JSON.parse(sessionStorage.getItem(PUT_OFF_KEY) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}
function setPutOff(id: string, off: boolean): void {
  const ids = putOff();
  if (off) ids.add(id);
  else ids.delete(id);
  try {
    sessionStorage.setItem(PUT_OFF_KEY, JSON.stringify([...ids]));
  } catch {
    // Not kept: the prompt only comes back on the next page.
  }
}

const expired = (r: DeviceRequestEvent, now = Date.now()) => Date.parse(r.expiresAt) <= now;

/** "10:42, in 8 min": when the request ends, in the pages' one time format. */
function expiryText(r: DeviceRequestEvent, now = Date.now()): string {
  const left = Date.parse(r.expiresAt) - now;
  const time = pageTime(r.expiresAt, 'time');
  if (left <= 0) return t('acct.request.expired-at', { time });
  const min = Math.floor(left / 60_000);
  return min < 1 ? t('acct.request.ends-soon', { time }) : t('acct.request.ends-in', { time, count: min });
}

const whereFrom = (r: DeviceRequestEvent) => [deviceText(r.userAgent || null, pageLocale()), r.address].filter(Boolean).join(' · ');

export function initDeviceRequests(): void {
  const found = $<HTMLDialogElement>('#device-request-dialog');
  if (!found) return;
  const dialog = found;
  const form = must<HTMLFormElement>('form', dialog);
  const ui = new FormUi(form, { markValid: false });
  const code = ui.input('linkCode');
  const ask = must('[data-request-ask]', form);
  const actions = must('[data-request-actions]', form);
  const done = must('[data-request-done]', form);
  const result = must('[data-request-result]', form);
  const formError = must('[data-form-error]', form);
  const approve = must<HTMLButtonElement>('[data-submit]', form);
  const refuse = must<HTMLButtonElement>('[data-action="refuse-device"]', form);

  /** Requests not answered here yet, by id. */
  const known = new Map<string, DeviceRequestEvent>();
  /** Ids to prompt for, in the order they came. */
  const queue: string[] = [];
  let shown: DeviceRequestEvent | undefined;
  /** The shown request was answered (or ended): closing the dialog does not put it off. */
  let settled = false;

  const setResult = (text: string, error = false) => {
    result.textContent = text;
    result.classList.toggle('is-error', error);
  };

  /** My devices (when on that page) lists what waits, with a way back to the prompt. */
  function renderPending(): void {
    const box = $('[data-pending-requests]');
    const list = box && $('[data-pending-list]', box);
    if (!box || !list) return;
    const waiting = [...known.values()].filter((r) => !expired(r));
    list.replaceChildren(
      ...waiting.map((r) => {
        const li = document.createElement('li');
        li.className = 'session-row';
        li.dataset.pendingRequest = r.request;
        const text = document.createElement('div');
        const name = document.createElement('p');
        name.className = 'session-device';
        name.append(Object.assign(document.createElement('strong'), { textContent: r.deviceName }));
        const where = Object.assign(document.createElement('p'), { className: 'muted small', textContent: t('acct.request.pending', { where: whereFrom(r), time: pageTime(r.expiresAt, 'time') }) });
        text.append(name, where);
        const review = Object.assign(document.createElement('button'), { type: 'button', className: 'btn btn-primary btn-sm', textContent: t('acct.request.review') });
        review.setAttribute('aria-haspopup', 'dialog');
        review.setAttribute('aria-label', t('acct.request.review-label', { name: r.deviceName }));
        review.addEventListener('click', () => {
          setPutOff(r.request, false);
          if (!queue.includes(r.request)) queue.unshift(r.request);
          showNext();
        });
        li.append(text, review);
        return li;
      }),
    );
    box.hidden = waiting.length === 0;
  }

  function forget(id: string): void {
    known.delete(id);
    setPutOff(id, false);
    renderPending();
  }

  function add(r: DeviceRequestEvent, prompt: boolean): void {
    if (expired(r)) return;
    known.set(r.request, r);
    renderPending();
    if (prompt && !queue.includes(r.request) && shown?.request !== r.request) {
      queue.push(r.request);
      showNext();
    }
  }

  function fill(r: DeviceRequestEvent): void {
    must('[data-request-lead]', form).textContent = t('acct.request.lead', { name: r.deviceName });
    must('[data-request-name]', form).textContent = r.deviceName;
    must('[data-request-from]', form).textContent = whereFrom(r) || t('acct.request.unknown-origin');
    must('[data-request-fingerprint]', form).textContent = groupedHex(r.keyFingerprint);
    tick();
  }

  /** The expiry line, and the end of a request that expired while shown. */
  function tick(): void {
    if (!shown) return;
    must('[data-request-expiry]', form).textContent = expiryText(shown);
    if (!settled && expired(shown)) end(t('acct.request.expired'), true);
  }

  function showNext(): void {
    if (dialog.open) return;
    for (let id = queue.shift(); id; id = queue.shift()) {
      const r = known.get(id);
      if (!r || expired(r)) continue;
      shown = r;
      settled = false;
      form.reset();
      ui.setError('linkCode', undefined);
      formError.hidden = true;
      setResult('');
      ask.hidden = false;
      actions.hidden = false;
      done.hidden = true;
      fill(r);
      dialog.showModal();
      code.focus();
      return;
    }
  }

  /** The request is over for this prompt: say how, and leave only Close. */
  function end(text: string, error = false): void {
    if (shown) forget(shown.request);
    settled = true;
    ask.hidden = true;
    actions.hidden = true;
    formError.hidden = true;
    done.hidden = false;
    setResult(text, error);
    must<HTMLButtonElement>('[data-action="done-device"]', form).focus();
  }

  /** A refusal of approve or refuse: the field, the form, or the end of the request. */
  function failed(err: unknown): void {
    if (err instanceof ApiError) {
      if (err.code === 'validation' && err.fields.code) {
        if (err.triesLeft === 0) return end(err.fields.code, true);
        ui.setError('linkCode', err.fields.code);
        code.select();
        code.focus();
        return;
      }
      // Refused, failed or expired (410), linked or being linked elsewhere (409), cleaned up (404).
      if (err.code === 'gone' || err.code === 'conflict' || err.code === 'not_found') return end(err.message, err.code !== 'conflict');
    }
    formError.textContent = err instanceof ApiError ? err.message : t('acct.request.unreachable');
    formError.hidden = false;
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = shown;
    if (!r || settled) return;
    formError.hidden = true;
    const typed = ui.value('linkCode').replace(/\s/g, '');
    if (!LINK_CODE_PATTERN.test(typed)) {
      ui.setError('linkCode', t('acct.request.enter-code'));
      code.focus();
      return;
    }
    ui.setError('linkCode', undefined);
    setBusy(approve, true);
    refuse.disabled = true;
    try {
      const linked = await api<LinkApproved>('POST', `/api/v1/devices/requests/${r.request}/approve`, { code: typed });
      end(t('acct.request.linked', { name: linked.deviceName }));
      document.body.dispatchEvent(new CustomEvent('devices-changed'));
    } catch (err) {
      failed(err);
    } finally {
      setBusy(approve, false);
      refuse.disabled = false;
    }
  });

  refuse.addEventListener('click', async () => {
    const r = shown;
    if (!r || settled) return;
    formError.hidden = true;
    setBusy(refuse, true);
    approve.disabled = true;
    try {
      await api('DELETE', `/api/v1/devices/requests/${r.request}`);
      end(t('acct.request.refused', { name: r.deviceName }));
    } catch (err) {
      failed(err);
    } finally {
      setBusy(refuse, false);
      approve.disabled = false;
    }
  });

  const close = () => dialog.close();
  must('[data-action="later-device"]', form).addEventListener('click', close);
  must('[data-action="done-device"]', form).addEventListener('click', close);
  // However it closed (Not now, Escape, Close): one left unanswered is put off, the next one shown.
  dialog.addEventListener('close', () => {
    if (shown && !settled) {
      setPutOff(shown.request, true);
      renderPending();
    }
    shown = undefined;
    // After popups.ts has given focus back, so the next prompt takes it from there.
    setTimeout(showNext, 0);
  });

  async function loadPending(): Promise<void> {
    const off = putOff();
    const pending = await api<PendingDeviceRequest[]>('GET', '/api/v1/devices/requests').catch(() => []);
    for (const r of pending) add(r, !off.has(r.request));
  }

  document.body.addEventListener('device-request', (e) => add((e as CustomEvent<DeviceRequestEvent>).detail, true));
  // Requests made while the stream was down came by no event.
  document.body.addEventListener('connection-back', () => void loadPending());
  setInterval(() => {
    tick();
    // Rebuilt only when one went: a rebuild would take the focus from a Review button.
    const gone = [...known.values()].filter((r) => expired(r));
    for (const r of gone) known.delete(r.request);
    if (gone.length) renderPending();
  }, 5_000);
  void loadPending();
}
