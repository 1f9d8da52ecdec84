// Files in the chat (protocol §8) in a real browser against the real server: Amira attaches an
// image (a PNG made here) and a PDF (a minimal one made here) with the Attach button, sees their
// uploads, and sends them with a message; Bilel sees the image previewed from the bytes his page
// decrypted and checked, and downloads the PDF, which must be the very bytes Amira picked. The same
// in a group of three. A file over the server's limit is refused next to the composer, Cancel
// takes a file off the message, and files dropped on or pasted into the composer are attached. axe on the conversation; screenshots at 320 and 1280 px.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { Ui, bubbleOf, openChat, resize, seesVerified } from './helpers/ui.ts';
import { SHOTS, assertAccessible } from './helpers/browser.ts';

const NARROW = { width: 320, height: 720 };
const WIDE = { width: 1280, height: 820 };

/** A 24×16 PNG, RGB, a teal and white stripe: small, and a real image a browser draws. */
function png(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const [w, h] = [24, 16];
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Array.from({ length: h }, (_, y) => Buffer.from([0, ...Array.from({ length: w }, () => (y < h / 2 ? [12, 113, 103] : [255, 255, 255])).flat()]));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/** The smallest PDF readers open: one empty page, with a correct cross-reference table. */
function pdf(): Buffer {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>'];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const IMAGE = { name: 'stripe.png', mimeType: 'image/png', buffer: png() };
const DOC = { name: 'minutes.pdf', mimeType: 'application/pdf', buffer: pdf() };

async function shots(page: Page, name: string): Promise<void> {
  for (const [label, s] of [['1280', WIDE], ['320', NARROW]] as const) {
    await resize(page, s);
    await page.screenshot({ path: join(SHOTS, `ui-attachments-${name}-${label}.png`), fullPage: true, caret: 'initial' });
  }
  await resize(page, WIDE);
}

/** Both files attached with the Attach button's input, uploaded, then sent with `text`. */
async function sendFiles(page: Page, text: string): Promise<void> {
  await page.getByRole('button', { name: 'Attach files' }).waitFor();
  await page.locator('[data-attach-input]').setInputFiles([IMAGE, DOC]);
  const tray = page.getByRole('list', { name: 'Files to send' });
  await tray.getByText('stripe.png').waitFor();
  await tray.getByText('minutes.pdf').waitFor();
  await tray.locator('.upload.is-done').nth(1).waitFor();
  const box = page.getByLabel(/^Message to /);
  await box.fill(text);
  await box.press('Enter');
  await tray.waitFor({ state: 'hidden' });
}

/** The message with `text` shows the image, decrypted, and the PDF downloads byte for byte. */
async function opensFiles(page: Page, text: string, downloads: string): Promise<void> {
  await seesVerified(page, text);
  const bubble = bubbleOf(page, text);
  const img = bubble.getByRole('img', { name: 'stripe.png' });
  await img.waitFor();
  assert.match((await img.getAttribute('src')) ?? '', /^blob:/);
  assert.equal(await img.evaluate((el: HTMLImageElement) => el.decode().then(() => el.naturalWidth)), 24, 'the preview is the image itself');
  // Above its file's name and Download, at its own size, on a phone as on a desktop.
  const name = bubble.locator('.msg-file').filter({ has: page.getByRole('img', { name: 'stripe.png' }) }).locator('[data-file-name]');
  const size = page.viewportSize();
  for (const width of [320, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const [picture, label] = [await img.boundingBox(), await name.boundingBox()];
    assert.ok(picture && label && picture.y + picture.height <= label.y, `the preview is above the name at ${width} px: ${JSON.stringify({ picture, label })}`);
    assert.ok(picture.width <= 24 * 2, `not stretched at ${width} px: ${picture.width} px wide`);
  }
  if (size) await page.setViewportSize(size);
  await bubble.getByText(`application/pdf, ${DOC.buffer.length} bytes`).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), bubble.getByRole('button', { name: 'Download minutes.pdf' }).click()]);
  assert.equal(download.suggestedFilename(), 'minutes.pdf');
  const file = join(downloads, `minutes-${Math.random().toString(36).slice(2)}.pdf`);
  await download.saveAs(file);
  assert.deepEqual(readFileSync(file), DOC.buffer, 'the very bytes that were sent');
}

describe('attachments in the chat', { timeout: 300_000 }, () => {
  const ui = new Ui();
  // A small limit, so that "too large" is tried without a big file.
  before(() => ui.start({ args: ['--max-attachment-mb', '1'] }));
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  it('1:1: an image previewed and a PDF downloaded by the other person; too large and Cancel', async () => {
    const [amira, bilel] = await Promise.all([ui.person('amira', 'Amira', 'Ben Salah'), ui.person('bilel', 'Bilel', 'Gharbi')]);
    const [a, b] = await Promise.all([ui.signedIn(amira), ui.signedIn(bilel)]);
    await Promise.all([openChat(a, ui.url, bilel), openChat(b, ui.url, amira)]);

    // Too large for this server: said next to the composer, nothing left in the tray.
    await a.locator('[data-attach-input]').setInputFiles({ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1024 * 1024 + 1) });
    const refusal = a.locator('[data-composer-error]');
    await refusal.filter({ hasText: 'huge.bin' }).waitFor();
    // The server's own words for its limit follow the file's name.
    assert.match((await refusal.textContent()) ?? '', /^"huge\.bin" was not attached: An attachment is at most 1 MiB\.$/);
    assert.equal(await refusal.getAttribute('role'), 'alert');
    await a.getByRole('list', { name: 'Files to send' }).waitFor({ state: 'hidden' });
    // Cancel takes a file off the message.
    await a.locator('[data-attach-input]').setInputFiles({ name: 'draft.txt', mimeType: 'text/plain', buffer: Buffer.from('not this one') });
    await a.getByRole('button', { name: 'Cancel draft.txt' }).click();
    await a.getByRole('list', { name: 'Files to send' }).waitFor({ state: 'hidden' });
    await assert.doesNotReject(a.getByRole('button', { name: 'Attach files' }).evaluate((el) => (document.activeElement === el ? undefined : Promise.reject(new Error('focus lost')))));

    // Dropped on the composer, or pasted into it, a file is attached the same way (then cancelled here).
    for (const how of ['drop', 'paste'] as const) {
      await a.evaluate((how) => {
        const data = new DataTransfer();
        data.items.add(new File(['dropped'], `${how}.txt`, { type: 'text/plain' }));
        const target = document.querySelector(how === 'drop' ? '[data-composer]' : '[data-compose]')!;
        const event = how === 'drop' ? new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }) : new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
        target.dispatchEvent(event);
      }, how);
      await a.getByRole('button', { name: `Cancel ${how}.txt` }).click();
    }
    await a.getByRole('list', { name: 'Files to send' }).waitFor({ state: 'hidden' });

    await sendFiles(a, 'The minutes and the chart');
    await opensFiles(b, 'The minutes and the chart', ui.downloads());
    // The sender's own page shows them too, from the same checks.
    await bubbleOf(a, 'The minutes and the chart').getByRole('img', { name: 'stripe.png' }).waitFor();
    await assertAccessible(b, 'attachments-1to1');
    await shots(b, '1to1');
  });

  it('group: both files reach every member, checked', async () => {
    const [amira, bilel, chaima] = await Promise.all([ui.person('amira', 'Amira', 'Ben Salah'), ui.person('bilel', 'Bilel', 'Gharbi'), ui.person('chaima', 'Chaima', 'Jaziri')]);
    const [a, b, c] = await Promise.all([ui.signedIn(amira), ui.signedIn(bilel), ui.signedIn(chaima)]);
    const id = await a.evaluate(async (members) => {
      const res = await fetch('/api/v1/groups', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Board', members }) });
      if (!res.ok) throw new Error(`POST /api/v1/groups: ${res.status}`);
      return ((await res.json()) as { id: string }).id;
    }, [bilel.login, chaima.login]);
    for (const page of [a, b, c]) {
      await page.goto(`${ui.url}/chat?group=${id}`);
      await page.locator('#conv-title', { hasText: 'Board' }).waitFor();
      await page.locator('[data-log-loading]').waitFor({ state: 'hidden' });
    }
    await sendFiles(a, 'For the board');
    await opensFiles(b, 'For the board', ui.downloads());
    await opensFiles(c, 'For the board', ui.downloads());
    await assertAccessible(c, 'attachments-group');
    await shots(c, 'group');
  });
});
