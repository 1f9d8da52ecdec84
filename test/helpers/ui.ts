// What the browser tests of the web interface share, so that every test sets up what it needs
// itself: one server and one Chromium per file (started in `before`), and per test fresh browser
// contexts whose pages are watched for script errors and console errors, closed when the test ends;
// people made through the API and put into a browser (person.ts); the page actions tests repeat;
// and the audit of a page (axe-core, then screenshots at desktop and phone sizes).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { SHOTS, assertAccessible, launchChromium, within } from './browser.ts';
import { startServer, tempDir, type Running } from './server.ts';
import { enrollPerson, signIn, type Person } from './person.ts';

export const DESKTOP = { width: 1280, height: 820 };
export const PHONE = { width: 375, height: 760 };

/** A test that takes longer prints its timeline (Ui.timeline); they take 2–30 s. */
const SLOW_TEST_MS = 60_000;
const TIMELINE_MAX = 2_000;

/** Failed loads the browser logs while a test has taken it offline on purpose. */
const OFFLINE_FAILURE = /ERR_INTERNET_DISCONNECTED|Failed to fetch/;

export class Ui {
  server!: Running;
  browser!: Browser;
  /** Script and console errors of the current test's pages. */
  readonly problems: string[] = [];
  /** Set by a test that takes a browser offline on purpose: its failed loads are not faults. */
  offline = false;
  private test = '';
  private contexts: BrowserContext[] = [];
  /**
   * What the current test and its pages did, and when (ms since it began), printed when the test
   * runs long: a test of this file once took 230 s, and again 236 s, with every step of it under
   * its own timeout, so the time went somewhere between steps that this should show.
   */
  private readonly timeline: string[] = [];
  private began = 0;

  /** `before`: the server and the browser the file's tests share. */
  async start(opts: { args?: string[] } = {}): Promise<void> {
    this.server = await startServer(opts);
    // playwright gives every launch a fresh temporary profile (it refuses --user-data-dir here).
    this.browser = await launchChromium();
  }

  /** `after`. */
  async stop(): Promise<void> {
    await this.browser?.close();
    await this.server?.stop();
  }

  /** `beforeEach`. */
  begin(name: string): void {
    this.test = name;
    this.offline = false;
    this.problems.length = 0;
    this.timeline.length = 0;
    this.began = performance.now();
  }

  /** A line of the timeline (see `timeline`). */
  private note(what: string): void {
    if (this.timeline.length < TIMELINE_MAX) this.timeline.push(`${(performance.now() - this.began).toFixed(0).padStart(8)} ms  ${what}`);
  }

  /**
   * `afterEach`: closes every context the test opened, then fails the test if any of its pages
   * had a script error or logged an error to the console.
   */
  async end(): Promise<void> {
    const took = performance.now() - this.began;
    if (took > SLOW_TEST_MS) console.error(`"${this.test}" took ${(took / 1000).toFixed(1)} s; what it and its pages did:\n${this.timeline.join('\n')}`);
    for (const context of this.contexts.splice(0)) await context.close().catch(() => {});
    assert.deepEqual(this.problems.splice(0), [], `no script or page error in "${this.test}"`);
  }

  get url(): string {
    return this.server.url;
  }

  /** A fresh browser (desktop-sized unless told), every page of it watched. */
  async context(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await within(60_000, 'a new browser context', this.browser.newContext({ viewport: DESKTOP, acceptDownloads: true, ...options }));
    this.contexts.push(context);
    context.on('page', (page) => this.watch(page));
    return context;
  }

  /** A page in a fresh browser. */
  async page(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.context(options);
    return within(60_000, 'a new page', context.newPage());
  }

  private watch(page: Page): void {
    page.setDefaultTimeout(20_000);
    const path = (url: string) => (url.startsWith('data:') ? 'data:' : new URL(url).pathname);
    const where = () => path(page.url());
    const n = this.contexts.length;
    page.on('request', (r) => this.note(`context ${n}: → ${r.method()} ${path(r.url())}`));
    page.on('requestfinished', (r) => this.note(`context ${n}: ← ${r.method()} ${path(r.url())}`));
    page.on('requestfailed', (r) => this.note(`context ${n}: ✗ ${r.method()} ${path(r.url())} ${r.failure()?.errorText ?? ''}`));
    page.on('load', () => this.note(`context ${n}: load ${where()}`));
    page.on('pageerror', (e) => this.problems.push(`page error on ${where()}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      // Refusals the pages expect (401, 403, 409…) are logged by the browser as failed loads.
      if (/server responded with a status of 4\d\d/.test(m.text())) return;
      if (this.offline && OFFLINE_FAILURE.test(m.text())) return;
      this.problems.push(`console on ${where()}: ${m.text()}`);
    });
  }

  /** Someone enrolled through the API with a WebCrypto key (not in any browser yet). */
  async person(prefix: string, firstName?: string, lastName?: string, url = this.url): Promise<Person> {
    this.note(`enrolling ${prefix} through the API`);
    const person = await enrollPerson(url, prefix, firstName, lastName);
    this.note(`enrolled ${person.login}`);
    return person;
  }

  /** `who` logged in within a fresh browser, as after the login page: a page on /chat. */
  async signedIn(who: Person, options: BrowserContextOptions & { url?: string } = {}): Promise<Page> {
    const { url = this.url, ...contextOptions } = options;
    this.note(`signing ${who.login} in, in a new context`);
    const page = await signIn(await this.context(contextOptions), url, who);
    this.note(`signed ${who.login} in`);
    return page;
  }

  /** A directory for files the test downloads. */
  downloads(): string {
    return tempDir('tekup-ui-downloads-');
  }
}

/** Sets the viewport and waits until the page has taken it. */
export async function resize(page: Page, size: { width: number; height: number }): Promise<void> {
  // setViewportSize has no timeout of its own (playwright passes none).
  await within(60_000, `resizing ${page.url()} to ${size.width}×${size.height}`, page.setViewportSize(size));
  await page.waitForFunction(([w, h]) => window.innerWidth === w && window.innerHeight === h, [size.width, size.height] as const);
}

/**
 * axe-core on the page as it is (no serious or critical violation), then full-page screenshots
 * test-results/ui-NAME-desktop.png and ui-NAME-phone.png. Screenshots keep the caret as it is:
 * hiding it makes playwright write style="" on inputs, which the page's CSP then reports when htmx
 * copies the attribute.
 */
export async function audit(page: Page, name: string): Promise<void> {
  await assertAccessible(page, name);
  await within(60_000, `scrolling ${name} to its top`, page.evaluate(() => window.scrollTo(0, 0)));
  await page.screenshot({ path: join(SHOTS, `ui-${name}-desktop.png`), fullPage: true, caret: 'initial' });
  const size = page.viewportSize() ?? DESKTOP;
  await resize(page, PHONE);
  await page.screenshot({ path: join(SHOTS, `ui-${name}-phone.png`), fullPage: true, caret: 'initial' });
  await resize(page, size);
}

/** The login page with the key this browser keeps for `who`. */
export async function logIn(page: Page, url: string, who: Pick<Person, 'login' | 'password'>): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('Login').fill(who.login);
  await page.getByText(`Your key for @${who.login} is stored in this browser`).waitFor();
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/chat$/);
}

/** The login page of a browser that has no key for `who`: the key backup file opens it. */
export async function logInWithBackup(page: Page, url: string, who: Pick<Person, 'login' | 'password' | 'backupFile'>): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('Login').fill(who.login);
  await page.getByText(`No key for @${who.login} is stored in this browser`).waitFor();
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByLabel('Key backup file').setInputFiles(who.backupFile);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/chat$/);
}

type Registrant = Pick<Person, 'firstName' | 'lastName' | 'cardNumber' | 'email' | 'login' | 'password'>;

/** The register page filled in for `who` and sent (the password typed twice); what it answers is the caller's to wait for. */
export async function submitRegistration(page: Page, url: string, who: Registrant): Promise<void> {
  await page.goto(`${url}/register`);
  await page.getByLabel('First name').fill(who.firstName);
  await page.getByLabel('Last name').fill(who.lastName);
  await page.getByLabel('Identity card number').fill(who.cardNumber);
  await page.getByLabel('Email address').fill(who.email);
  await page.getByLabel('Login', { exact: true }).fill(who.login);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByLabel('Repeat the password').fill(who.password);
  await page.getByRole('button', { name: 'Create my account' }).click();
}

/**
 * `who` registered through the register page, the key made in this browser: the page ends on its
 * finished step ("Welcome, …", the key backup button, Continue).
 */
export async function registerThroughPage(page: Page, url: string, who: Registrant): Promise<void> {
  await submitRegistration(page, url, who);
  // The key is made in the browser: slower than any page load on a busy machine.
  await page.getByRole('heading', { name: `Welcome, ${who.firstName}` }).waitFor({ timeout: 60_000 });
}

/** On the finished step of the register or recover page: the key backup file it downloads. */
export async function downloadKeyBackup(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download key backup' }).click()]);
  const file = join(tempDir('tekup-ui-backup-'), download.suggestedFilename());
  await download.saveAs(file);
  return file;
}

/** The conversation with `peer`, its history loaded. */
export async function openChat(page: Page, url: string, peer: Pick<Person, 'login'>): Promise<void> {
  await page.goto(`${url}/chat?with=${peer.login}`);
  await page.locator('[data-log-loading]').waitFor({ state: 'hidden' });
}

/** Types `text` in the open conversation's composer and sends it with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByLabel(/^Message to /);
  await box.fill(text);
  await box.press('Enter');
}

/**
 * The message whose text is exactly `text`. Matching the whole bubble's text would also take the
 * time after it: "Numbered message 3" then "10:09" reads "Numbered message 310:09".
 */
export const bubbleOf = (page: Page, text: string) =>
  page.locator('.msg', { has: page.locator('.msg-text', { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });

/** The bubble with `text`, which must carry the Verified badge. */
export async function seesVerified(page: Page, text: string): Promise<void> {
  await bubbleOf(page, text).locator('.badge-ok', { hasText: 'Verified' }).waitFor();
}

/**
 * Asks `probe` again and again (a short pause between asks) until `ok` holds of its answer; fails
 * with `what` and the last answer after `ms`. For states outside any page (the server's), which no
 * locator can wait for.
 */
export async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) assert.fail(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
