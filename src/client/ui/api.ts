// Calls to our own JSON API from the pages. Every refusal arrives in the protocol's error shape;
// it becomes an ApiError the page can turn into words. The session cookie rides along by itself.
import { t } from '../i18n.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly reason?: string;
  readonly field?: string;
  readonly fields: Record<string, string>;
  /** Facts some refusals carry for the page to word: revokedAt, revocationReason, notAfter. */
  readonly revokedAt?: string;
  readonly revocationReason?: string;
  readonly notAfter?: string;
  /** Why a device-link request ended (`410 gone`): refused, failed or expired. */
  readonly state?: string;
  /** Codes a device-link request still takes after a wrong one (0: it has ended). */
  readonly triesLeft?: number;
  constructor(
    status: number,
    body: { error?: string; message?: string; reason?: string; field?: string; fields?: Record<string, string>; revokedAt?: string; revocationReason?: string; notAfter?: string; state?: string; triesLeft?: number },
  ) {
    super(body.message ?? t('acct.api.answered', { status: String(status) }));
    this.name = 'ApiError';
    this.status = status;
    this.code = body.error ?? (status === 0 ? 'network' : 'internal');
    this.reason = body.reason;
    this.field = body.field;
    this.fields = body.fields ?? {};
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    this.revokedAt = text(body.revokedAt);
    this.revocationReason = text(body.revocationReason);
    this.notAfter = text(body.notAfter);
    this.state = text(body.state);
    this.triesLeft = typeof body.triesLeft === 'number' ? body.triesLeft : undefined;
  }
}

// The page's own requests still on their way. Logging out waits for them: one the server took
// after the session ended would be refused with 401, a failed load the browser reports.
let inFlight = 0;
let whenIdle: (() => void)[] = [];
function tracked<T>(p: Promise<T>): Promise<T> {
  inFlight++;
  return p.finally(() => {
    if (--inFlight > 0) return;
    for (const f of whenIdle) f();
    whenIdle = [];
  });
}

/** Resolves once no request of this page is on its way, or after `ms` whatever happens. */
export function requestsSettled(ms: number): Promise<void> {
  if (inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => {
    whenIdle.push(resolve);
    setTimeout(resolve, ms);
  });
}

export async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  try {
    res = await tracked(fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    }));
  } catch {
    throw new ApiError(0, { error: 'network', message: t('acct.api.network') });
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = text;
  }
  if (!res.ok) throw new ApiError(res.status, typeof data === 'object' && data !== null ? (data as object) : { message: String(data) });
  return data as T;
}

export async function getText(path: string): Promise<string> {
  const res = await tracked(fetch(path, { credentials: 'same-origin' })).catch(() => {
    throw new ApiError(0, { error: 'network', message: t('acct.unreachable') });
  });
  if (!res.ok) throw new ApiError(res.status, { message: t('acct.api.get-answered', { path, status: String(res.status) }) });
  return res.text();
}
