// What every browser test shares: Debian's Chromium started headless (never a downloaded one),
// where screenshots go, and the axe-core check run on a page as it is.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './server.ts';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SHOTS = join(ROOT, 'test-results');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Brings every animation and transition running on the page that ends (entrance animations, not a
 * spinner that turns for ever) to its end state at once. Waiting for them instead hung for minutes
 * on a loaded machine, where the browser may stop advancing the animations of a page it does not
 * paint.
 */
export async function animationsDone(page: Page): Promise<void> {
  // Bounded like the other evaluates (see within): a stalled page fails here, named, in a minute.
  await within(
    60_000,
    `finishing the animations of ${page.url()}`,
    page.evaluate(() => {
      for (const a of document.getAnimations()) {
        if (a.playState === 'running' && Number.isFinite(Number(a.effect?.getComputedTiming().endTime ?? Infinity))) a.finish();
      }
    }),
  );
}

/**
 * A step that playwright gives no timeout of its own (evaluate, newContext): past `ms` it fails
 * naming `what`, and what `detail` can still say (e.g. which part of an evaluate it had reached),
 * rather than leaving the suite's timeout to cancel the file with nothing to go on (issue 17: a
 * browser test once waited 230 s somewhere in such a step).
 */
export async function within<T>(ms: number, what: string, step: Promise<T>, detail?: () => Promise<string>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const said = detail ? Promise.race([detail(), new Promise<string>((r) => setTimeout(r, 2_000, 'no answer'))]).catch((e: unknown) => String(e)) : Promise.resolve('');
      void said.then((d) => reject(new Error(`${what}: still not done after ${ms} ms${d ? ` (${d})` : ''}`)));
    }, ms);
  });
  try {
    return await Promise.race([step, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** axe-core on the page as it is: fails on any serious or critical violation. */
export async function assertAccessible(page: Page, name: string): Promise<void> {
  await animationsDone(page); // half-faded text is not what people read
  // evaluate() is not subject to the page's CSP, unlike an injected <script>.
  await within(60_000, `axe: loading it into ${name}`, page.evaluate(AXE));
  const violations = await within(
    60_000,
    `axe: checking ${name}`,
    page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
      const r = await axe.run();
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    }),
  );
  assert.deepEqual(violations, [], `accessibility of ${name}`);
}

/**
 * assertAccessible, then a full-page screenshot as test-results/ui-NAME-desktop.png. The caret is
 * kept as it is: hiding it makes playwright write style="" on inputs, which the page's CSP then
 * reports when htmx copies the attribute.
 */
export async function auditDesktop(page: Page, name: string): Promise<void> {
  await assertAccessible(page, name);
  await page.screenshot({ path: join(SHOTS, `ui-${name}-desktop.png`), fullPage: true, caret: 'initial' });
}

/**
 * A page in a fresh desktop-sized context whose script errors and console errors go to `problems`,
 * for the test to assert empty at its end. A 4xx the page expects (a refusal it shows) is logged by
 * the browser as a failed load and is not a fault.
 */
export async function watchedPage(browser: Browser, problems: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/server responded with a status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return page;
}
