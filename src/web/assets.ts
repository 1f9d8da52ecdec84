// The one way the server reads its static files: styles and icons from public/, the bundled
// browser script (app.js) and htmx. Inside the single executable they are embedded assets
// (node:sea); from a source checkout they come from disk, and the browser script is bundled by
// esbuild on first use with the same options build.ts uses, so a developer sees what the
// executable serves. Served under /assets/<name>: public/css/app.css is /assets/css/app.css.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getAssetKeys, getRawAsset, isSea } from 'node:sea';
import { getMimeType } from 'hono/utils/mime';
import type { BuildOptions } from 'esbuild';

export interface Asset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
  /** Strong ETag, quoted: `"<version>"`. */
  etag: string;
  /** Short content hash; `assetUrl` puts it in the query so the URL can be cached for good. */
  version: string;
}

/** Paths relative to the repository root, shared with build.ts. */
export const PUBLIC_DIR = 'public';
export const CLIENT_ENTRY = 'src/client/main.ts';
export const CLIENT_NAME = 'app.js';
export const HTMX_FILE = 'node_modules/htmx.org/dist/htmx.min.js';
export const HTMX_NAME = 'htmx.min.js';
/** Embedded asset keys carry this prefix, so nothing else embedded ever shows under /assets/. */
export const SEA_PREFIX = 'assets/';

/** Slash-separated segments that each start with a letter, digit, `_` or `-`: no `..`, no dot files, no absolute paths. */
export const ASSET_NAME = /^(?:[\w-][\w.-]*\/)*[\w-][\w.-]*$/;

/** esbuild options for the browser script, used by the dev server here and by build.ts. */
export function clientBuildOptions(root: string): BuildOptions & { write: false; metafile: true } {
  return {
    entryPoints: [join(root, CLIENT_ENTRY)],
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
  };
}

export function makeAsset(name: string, body: Uint8Array<ArrayBuffer>): Asset {
  const version = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  return { body, type: getMimeType(name) ?? 'application/octet-stream', etag: `"${version}"`, version };
}

/** Every file under public/ as [asset name, absolute path], dot files skipped. */
export function publicFiles(root: string): Array<[string, string]> {
  const dir = join(root, PUBLIC_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .map((file): [string, string] => [relative(dir, file).split(sep).join('/'), file])
    .filter(([name]) => ASSET_NAME.test(name))
    .sort(([a], [b]) => a.localeCompare(b));
}

export interface AssetSource {
  get(name: string): Asset | undefined;
}

/** Inside the executable: the embedded copies, read once each. */
function embedded(): AssetSource {
  const keys = new Set(getAssetKeys());
  const cache = new Map<string, Asset>();
  return {
    get(name) {
      const hit = cache.get(name);
      if (hit) return hit;
      if (!keys.has(SEA_PREFIX + name)) return undefined;
      // getRawAsset does not copy; the bytes are only ever read.
      const found = makeAsset(name, new Uint8Array(getRawAsset(SEA_PREFIX + name)));
      cache.set(name, found);
      return found;
    },
  };
}

/**
 * From a checkout rooted at `root`: files re-read when their modification time changes, the
 * browser script rebuilt when any of its inputs changes, so editing needs no restart.
 */
export function diskAssets(root: string): AssetSource {
  const cache = new Map<string, { stamp: string; asset: Asset; inputs?: string[] }>();
  const stampOf = (files: string[]) =>
    files
      .map((f) => statSync(f, { throwIfNoEntry: false }))
      .map((s) => (s ? `${s.mtimeMs}:${s.size}` : '-'))
      .join(',');

  function file(name: string, path: string): Asset | undefined {
    if (!existsSync(path) || !statSync(path).isFile()) return undefined;
    const stamp = stampOf([path]);
    const hit = cache.get(name);
    if (hit?.stamp === stamp) return hit.asset;
    const found = makeAsset(name, readFileSync(path));
    cache.set(name, { stamp, asset: found });
    return found;
  }

  function client(): Asset | undefined {
    if (!existsSync(join(root, CLIENT_ENTRY))) return undefined;
    const hit = cache.get(CLIENT_NAME);
    if (hit?.inputs && hit.stamp === stampOf(hit.inputs)) return hit.asset;
    // esbuild is a devDependency: loaded only here, never inside the executable.
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const result = esbuild.buildSync({ ...clientBuildOptions(root), sourcemap: 'inline' });
    const inputs = Object.keys(result.metafile.inputs).map((p) => join(root, p));
    const found = makeAsset(CLIENT_NAME, new Uint8Array(result.outputFiles[0].contents));
    cache.set(CLIENT_NAME, { stamp: stampOf(inputs), asset: found, inputs });
    return found;
  }

  return {
    get(name) {
      if (name === CLIENT_NAME) return client();
      if (name === HTMX_NAME) return file(name, join(root, HTMX_FILE));
      return file(name, join(root, PUBLIC_DIR, ...name.split('/')));
    },
  };
}

let source: AssetSource | undefined;

function current(): AssetSource {
  source ??= isSea() ? embedded() : diskAssets(fileURLToPath(new URL('../../', import.meta.url)));
  return source;
}

/** The static file served at /assets/<name>, or undefined when there is none. */
export function asset(name: string): Asset | undefined {
  if (!ASSET_NAME.test(name)) return undefined;
  return current().get(name);
}

/**
 * The URL pages should link: with the content version in the query, so browsers may keep it for
 * a year and still see a new build at once. Falls back to the bare URL if the asset cannot be read
 * now (the request for it will then say why).
 */
export function assetUrl(name: string): string {
  try {
    const found = asset(name);
    if (found) return `/assets/${name}?v=${found.version}`;
  } catch {
    // e.g. the browser script does not compile at the moment: the page still renders.
  }
  return `/assets/${name}`;
}
