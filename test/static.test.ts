// Static assets from a checkout (src/web/assets.ts) and their route: content types, ETags and
// revalidation, versioned URLs, names that cannot be assets. The embedded side is exercised by
// test/executable.test.ts against the built executable.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startServer, tempDir, type Running } from './helpers/server.ts';
import { HTMX_FILE, diskAssets, publicFiles } from '../src/web/assets.ts';

describe('assets from a checkout', () => {
  const root = tempDir('tekup-assets-');
  const write = (path: string, text: string, mtime: number) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
    utimesSync(join(root, path), mtime, mtime);
  };
  after(() => rmSync(root, { recursive: true, force: true }));

  it('serves public/ by relative name with its content type, and skips dot files', () => {
    write('public/css/app.css', 'body { color: black }', 1_000);
    write('public/icons/logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>', 1_000);
    write('public/.secret', 'no', 1_000);
    const assets = diskAssets(root);
    const css = assets.get('css/app.css')!;
    assert.equal(new TextDecoder().decode(css.body), 'body { color: black }');
    assert.equal(css.type, 'text/css; charset=utf-8');
    assert.equal(css.etag, `"${css.version}"`);
    assert.match(assets.get('icons/logo.svg')!.type, /^image\/svg\+xml/);
    assert.deepEqual(publicFiles(root).map(([name]) => name), ['css/app.css', 'icons/logo.svg']);
    assert.equal(assets.get('missing.css'), undefined);
  });

  it('re-reads a file that changed, with a new version', () => {
    const assets = diskAssets(root);
    const before = assets.get('css/app.css')!;
    assert.equal(assets.get('css/app.css'), before, 'unchanged: the cached copy');
    write('public/css/app.css', 'body { color: navy }', 2_000);
    const changed = assets.get('css/app.css')!;
    assert.notEqual(changed.version, before.version);
    assert.equal(new TextDecoder().decode(changed.body), 'body { color: navy }');
  });

  it('bundles the browser script when it exists, and rebuilds it when an input changes', () => {
    const assets = diskAssets(root);
    assert.equal(assets.get('app.js'), undefined, 'no src/client/main.ts: no app.js, no error');
    write('src/client/util.ts', 'export const greet = (who: string): string => `hello ${who}`;\n', 1_000);
    write('src/client/main.ts', "import { greet } from './util.ts';\ndocument.title = greet('first');\n", 1_000);
    const first = assets.get('app.js')!;
    assert.equal(first.type, 'text/javascript; charset=utf-8');
    const text = new TextDecoder().decode(first.body);
    assert.match(text, /hello/);
    assert.doesNotMatch(text, /: string/, 'types are gone');
    assert.match(text, /first/);
    write('src/client/util.ts', 'export const greet = (who: string): string => `bonjour ${who}`;\n', 2_000);
    const second = assets.get('app.js')!;
    assert.notEqual(second.version, first.version);
    assert.match(new TextDecoder().decode(second.body), /bonjour/);
  });
});

describe('GET /assets/*', () => {
  let server: Running;
  const htmx = readFileSync(join(ROOT, HTMX_FILE), 'utf8');
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  it('serves htmx with its type, a strong ETag and revalidation', async () => {
    const res = await fetch(`${server.url}/assets/htmx.min.js`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const etag = res.headers.get('etag')!;
    assert.match(etag, /^"[\w-]{22}"$/);
    assert.equal(await res.text(), htmx);

    const again = await fetch(`${server.url}/assets/htmx.min.js`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get('etag'), etag);
    assert.equal(await again.text(), '');
  });

  it('lets a URL with the current version be cached for good, and only that one', async () => {
    const version = (await fetch(`${server.url}/assets/htmx.min.js`)).headers.get('etag')!.slice(1, -1);
    const pinned = await fetch(`${server.url}/assets/htmx.min.js?v=${version}`);
    assert.equal(pinned.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    await pinned.arrayBuffer();
    const stale = await fetch(`${server.url}/assets/htmx.min.js?v=old`);
    assert.equal(stale.headers.get('cache-control'), 'no-cache');
    await stale.arrayBuffer();
  });

  it('answers HEAD without a body', async () => {
    const res = await fetch(`${server.url}/assets/htmx.min.js`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
  });

  for (const path of ['/assets/', '/assets/nope.css', '/assets/%2e%2e/package.json', '/assets/..%2fpackage.json', '/assets/.env', '/assets//etc/passwd']) {
    it(`finds nothing at ${path}`, async () => {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 404);
      assert.equal((await res.json()).error, 'not_found');
    });
  }
});
