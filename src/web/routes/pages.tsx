// The web interface: full pages, and the fragments htmx swaps in (/ui/*). Pages for signed-in
// people redirect to the login page without a session; fragments answer 401 with HX-Redirect so
// htmx sends the browser there too. Everything personal is no-store.
import { Hono, type Context, type Input, type MiddlewareHandler } from 'hono';
import * as v from 'valibot';
import type { Roster } from '../../usecases/roster.ts';
import type { Account } from '../../usecases/account.ts';
import type { Devices } from '../../usecases/devices.ts';
import type { Authority } from '../../pki/authority.ts';
import { DEFAULT_CARD_PATTERN } from '../../protocol/enroll.ts';
import { DomainError } from '../../protocol/errors.ts';
import { errorText } from '../../protocol/error-messages.ts';
import { LOGIN_PATTERN, type UserEntry } from '../../protocol/session.ts';
import { UNNAMED_DEVICE } from '../../protocol/devices.ts';
import type { DeviceFingerprint } from '../components/PeerCertificate.tsx';
import type { SessionRecord } from '../../auth/sessions.ts';
import { sessionIfAny, type AuthEnv } from '../auth.ts';
import type { SettingsStore } from '../../directory/settings.ts';
import { preferAccountLocale } from '../i18n.ts';
import { page, type Viewer } from '../components/Layout.tsx';
import { RegisterPage } from '../pages/Register.tsx';
import { LOGIN_NOTICES, LoginPage, type LoginNotice } from '../pages/Login.tsx';
import { DirectoryList, DirectoryPage } from '../pages/Directory.tsx';
import { ChatFrame, ChatPage, ConversationList } from '../pages/Chat.tsx';
import { AccountPage, CertificatePanel, DeviceList, type CertificateView } from '../pages/Account.tsx';
import { LinkPage } from '../pages/Link.tsx';
import { RecoverPage } from '../pages/Recover.tsx';
import { AuthorityPage, type AuthorityView, type CaSummary, type CheckState } from '../pages/Authority.tsx';
import type { CertificateChecker } from '../../pki/check.ts';
import type { CrlPublisher } from '../../pki/crl.ts';
import type { RateLimiter } from '../../auth/rate-limit.ts';
import { nameText, type x509 } from '../../pki/x509.ts';
import { clientAddress } from '../client-address.ts';
import { localPath } from '../local-path.ts';
import { enforce } from '../rate-limit.ts';
import { readJsonOrForm } from '../body.ts';
import { validBody, validQuery } from '../validate.ts';
import { CHECK_MAX_PEM, checkRequestSchema } from '../../protocol/certificate.ts';

export interface PageRouteDeps {
  roster: Roster;
  account: Account;
  /** My devices on the account page (protocol §6). */
  devices: Devices;
  ca: Authority;
  auth: MiddlewareHandler<AuthEnv>;
  cardPattern: RegExp;
  now: () => Date;
  checker: CertificateChecker;
  crl: CrlPublisher;
  /** Shared with POST /api/v1/certificates/check: one budget per address for both ways of asking. */
  checksPerAddress: RateLimiter;
  publicUrl: string;
  /** The signed-in person's chosen language, for a browser that has not chosen one (a new device). */
  settings: Pick<SettingsStore, 'locale'>;
}

const login = v.pipe(v.string(), v.regex(LOGIN_PATTERN));
const loginQuery = v.object({
  login: v.optional(v.pipe(v.string(), v.maxLength(64))),
  notice: v.optional(v.picklist(Object.keys(LOGIN_NOTICES) as LoginNotice[])),
  next: v.optional(localPath),
});
const chatQuery = v.object({ with: v.optional(login) });
// A bad query parameter is ignored, not an error page: the links are ours, the rest is noise.
const loginParams = validQuery(v.fallback(loginQuery, {}));
const chatParams = validQuery(v.fallback(chatQuery, {}));
/** What chatParams puts in `c.req.valid`, for the handlers signedIn wraps. */
type ChatInput = { out: { query: v.InferOutput<typeof chatQuery> } };

/** The check form: a chosen file wins over the text box; both are the API's one `certificate` field. */
const pastedOf = (form: Record<string, unknown>): string => {
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  return text(form.certificateFile) || text(form.certificate);
};
const CHECK_FORM_FIELDS = ['certificate', 'certificateFile'];
const checkForm = v.pipe(
  v.looseObject({}),
  v.transform((form) => ({ certificate: pastedOf(form) })),
  checkRequestSchema,
);
/**
 * What was pasted is shown again to be corrected, unless it holds a private key: no answer ever
 * carries one back.
 */
const shownAgain = (pasted: string): CheckState => ({ pasted: /PRIVATE KEY/.test(pasted) ? '' : pasted.slice(0, CHECK_MAX_PEM) });

/** Revocations listed on the authority page; the CRL has them all. */
const REVOKED_SHOWN = 50;

const fragment = async (node: unknown): Promise<string> => String(await (node as { toString(): string | Promise<string> }).toString());

/** A person's devices as the pages list them (protocol §6): each name and fingerprint. */
async function devicesOf(roster: Roster, login: string): Promise<DeviceFingerprint[]> {
  return (await roster.certificates(login)).map((c) => ({ serial: c.serial, deviceName: c.deviceName ?? UNNAMED_DEVICE, fingerprint: c.fingerprint }));
}

/** The devices of everyone listed who has more than one; the others are shown by their one fingerprint. */
async function severalDevices(roster: Roster, users: UserEntry[]): Promise<Map<string, DeviceFingerprint[]>> {
  const several = users.filter((u) => (u.devices ?? 0) > 1);
  return new Map(await Promise.all(several.map(async (u) => [u.login, await devicesOf(roster, u.login)] as const)));
}

export function pageRoutes(d: PageRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  const sessionOf = (c: Context<AuthEnv>) => sessionIfAny(d.auth, c);

  const viewerOf = async (s: SessionRecord): Promise<Viewer | undefined> => {
    const user = await d.account.person(s.login);
    if (!user) return undefined;
    preferAccountLocale(await d.settings.locale(s.login));
    const cert = await d.roster.certificate(s.login);
    const warn = cert && (cert.status === 'expiring' || cert.status === 'expired' || cert.status === 'revoked');
    return {
      login: user.login,
      firstName: user.firstName,
      lastName: user.lastName,
      ...(warn ? { expiryWarning: { status: cert.status as 'expiring' | 'expired' | 'revoked', daysLeft: cert.daysLeft, notAfter: cert.notAfter } } : {}),
    };
  };

  /** Pages for signed-in people: the viewer, or a redirect to the login page that comes back here. */
  const signedIn = <I extends Input = {}>(render: (c: Context<AuthEnv, string, I>, viewer: Viewer) => Promise<Response>) => async (c: Context<AuthEnv, string, I>) => {
    const s = await sessionOf(c);
    const viewer = s && (await viewerOf(s));
    c.header('cache-control', 'no-store');
    c.header('vary', 'HX-Request, Cookie');
    if (!viewer) {
      const next = c.req.path + (new URL(c.req.url).search || '');
      if (c.req.header('hx-request')) {
        c.header('hx-redirect', '/login?notice=session-ended');
        return c.body(null, 401);
      }
      return c.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
    }
    return render(c, viewer);
  };

  /** `sessionSerial`: the page shows the certificate of the device it is read on. */
  const certificateView = async (viewer: Viewer, sessionSerial: string): Promise<CertificateView | undefined> => {
    const user = await d.account.person(viewer.login);
    const own = await d.account.certificate(viewer.login, sessionSerial);
    if (!user || !own) return undefined;
    const { der: _der, login: _login, ...standingNow } = own.current;
    return {
      current: standingNow,
      history: own.history,
      subject: { name: `${user.firstName} ${user.lastName}`, login: user.login, email: user.email },
      issuer: d.ca.intermediate.subjectName.getField('CN')[0] ?? d.ca.intermediate.subject,
      rootFingerprint: d.ca.rootFingerprint,
    };
  };

  const caSummary = (cert: x509.X509Certificate, fingerprint: string): CaSummary => ({
    name: cert.subjectName.getField('CN')[0] ?? cert.subject,
    subject: nameText(cert.subjectName),
    serial: cert.serialNumber.toLowerCase(),
    fingerprint,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
  });
  const publicUrl = d.publicUrl.replace(/\/+$/, '');
  const authorityView = async (): Promise<AuthorityView> => {
    const crl = await d.crl.current();
    const revoked = await d.crl.revocations();
    return {
      root: caSummary(d.ca.root, d.ca.rootFingerprint),
      intermediate: caSummary(d.ca.intermediate, d.ca.intermediateFingerprint),
      crl: { number: crl.number, thisUpdate: crl.thisUpdate.toISOString(), nextUpdate: crl.nextUpdate.toISOString(), revoked: revoked.length, latest: revoked.slice(0, REVOKED_SHOWN) },
      ocspUrl: `${publicUrl}/ocsp`,
      publicUrl,
    };
  };
  /** The authority page, for everyone; signed-in people keep their app bar on it. */
  const authorityPage = async (c: Context<AuthEnv>, check: CheckState): Promise<Response> => {
    const s = await sessionOf(c);
    const viewer = s && (await viewerOf(s));
    c.header('cache-control', 'no-store');
    return c.html(await page(<AuthorityPage viewer={viewer} view={await authorityView()} check={check} />));
  };

  // The home page: the chats for someone signed in, the login form for everyone else.
  app.get('/', async (c) => {
    if (await sessionOf(c)) return c.redirect('/chat', 303);
    c.header('cache-control', 'no-store');
    return c.html(await page(<LoginPage />));
  });

  app.get('/register', async (c) => c.html(await page(<RegisterPage cardPattern={d.cardPattern.source} customCardPattern={d.cardPattern.source !== DEFAULT_CARD_PATTERN} />)));

  app.get('/login', loginParams, async (c) => {
    const q = c.req.valid('query');
    c.header('cache-control', 'no-store');
    return c.html(await page(<LoginPage login={q.login} notice={q.notice} next={q.next} />));
  });

  // Linking this browser to an account used on another device (protocol §6): no session needed.
  app.get('/link', loginParams, async (c) => {
    c.header('cache-control', 'no-store');
    return c.html(await page(<LinkPage login={c.req.valid('query').login} />));
  });

  app.get('/recover', loginParams, async (c) => {
    const q = c.req.valid('query');
    c.header('cache-control', 'no-store');
    return c.html(await page(<RecoverPage login={q.login} />));
  });

  app.get(
    '/chat',
    chatParams,
    signedIn<ChatInput>(async (c, viewer) => {
      const users = await d.roster.list();
      const peerLogin = c.req.valid('query').with;
      const peer = peerLogin && peerLogin !== viewer.login ? users.find((u) => u.login === peerLogin) : undefined;
      const peerDevices = peer ? await devicesOf(d.roster, peer.login) : undefined;
      // htmx swaps only the chat frame when another conversation is picked.
      if (c.req.header('hx-request') && c.req.header('hx-target') === 'div#chat') {
        return c.html(await fragment(<ChatFrame viewer={viewer} users={users} peer={peer} peerDevices={peerDevices} />));
      }
      return c.html(await page(<ChatPage viewer={viewer} users={users} peer={peer} peerDevices={peerDevices} />));
    }),
  );

  app.get(
    '/directory',
    signedIn(async (c, viewer) => {
      const users = await d.roster.list();
      return c.html(await page(<DirectoryPage viewer={viewer} users={users} devices={await severalDevices(d.roster, users)} />));
    }),
  );

  app.get(
    '/certificate',
    signedIn(async (c, viewer) => {
      const view = await certificateView(viewer, c.get('session').certSerial);
      if (!view) throw new DomainError('not_found', errorText('error.certificate.noneCurrent'));
      const { sessions, activity, receipts } = await d.account.overview(viewer.login, c.get('token'));
      const devices = await d.devices.list(viewer.login, c.get('session').certSerial);
      return c.html(
        await page(<AccountPage viewer={viewer} view={view} now={d.now().getTime()} sessions={sessions} devices={devices} activity={activity} receipts={receipts} />),
      );
    }),
  );

  app.get('/authority', (c) => authorityPage(c, {}));

  // The check form without script, and with htmx (which keeps only the #check card of the page).
  // A certificate that cannot be read is an error next to the field, not an error page.
  // Every post counts against the address's budget, a refused one too; over it, that is the error.
  const overBudget = async (c: Context): Promise<string | undefined> => {
    try {
      await enforce(c, [d.checksPerAddress, clientAddress(c)]);
      return undefined;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'rate_limited') return err.message;
      throw err;
    }
  };
  const checkBody = validBody(checkForm, {
    read: readJsonOrForm,
    fields: CHECK_FORM_FIELDS,
    onInvalid: async (fields, c, form) =>
      authorityPage(c as Context<AuthEnv>, { ...shownAgain(pastedOf(form as Record<string, unknown>)), error: (await overBudget(c)) ?? fields.certificate }),
  });
  app.post('/authority', checkBody, async (c) => {
    const { certificate } = c.req.valid('json');
    const check = shownAgain(certificate);
    try {
      await enforce(c, [d.checksPerAddress, clientAddress(c)]);
      check.result = await d.checker.check(certificate);
    } catch (err) {
      if (!(err instanceof DomainError) || (err.code !== 'validation' && err.code !== 'rate_limited')) throw err;
      check.error = err.fields?.certificate ?? err.message;
    }
    return authorityPage(c, check);
  });

  // Fragments.
  app.get(
    '/ui/directory',
    signedIn(async (c, viewer) => {
      const users = await d.roster.list();
      return c.html(await fragment(<DirectoryList users={users} me={viewer.login} devices={await severalDevices(d.roster, users)} />));
    }),
  );
  app.get(
    '/ui/conversations',
    chatParams,
    signedIn<ChatInput>(async (c, viewer) => c.html(await fragment(<ConversationList users={await d.roster.list()} me={viewer.login} peer={c.req.valid('query').with} />))),
  );
  app.get(
    '/ui/certificate',
    signedIn(async (c, viewer) => {
      const view = await certificateView(viewer, c.get('session').certSerial);
      if (!view) throw new DomainError('not_found', errorText('error.certificate.noneCurrent'));
      return c.html(await fragment(<CertificatePanel view={view} now={d.now().getTime()} />));
    }),
  );

  app.get(
    '/ui/devices',
    signedIn(async (c, viewer) => c.html(await fragment(<DeviceList devices={await d.devices.list(viewer.login, c.get('session').certSerial)} />))),
  );

  return app;
}
