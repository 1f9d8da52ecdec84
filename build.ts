// `npm run build`: one file, dist/tekup-chat, that runs on a machine without Node.js or
// node_modules. esbuild bundles the browser script and the server; the pages, styles, icons, the
// browser script and htmx become embedded assets; Node's own --build-sea writes the Node binary
// with all of it injected (a Node single executable application).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyPatches } from './scripts/patch-dependencies.ts';
import {
  CLIENT_ENTRY,
  CLIENT_NAME,
  HTMX_FILE,
  HTMX_NAME,
  SEA_PREFIX,
  clientBuildOptions,
  publicFiles,
} from './src/web/assets.ts';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const DIST = join(ROOT, 'dist');
// Per run, so two builds at once (a test and a developer) do not trip over each other.
const WORK = join(DIST, `.build-${process.pid}`);
const OUTPUT = join(DIST, 'tekup-chat');

function log(step: string): void {
  console.log(`build: ${step}`);
}

async function main(): Promise<void> {
  const started = performance.now();
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const assets: Record<string, string> = {};
  // The bundle takes the dependencies as they are in node_modules: patched, even after an install
  // that ran no scripts (scripts/patch-dependencies.ts says why).
  for (const line of applyPatches(join(ROOT, 'node_modules'))) log(line);

  // The browser script, exactly as the dev server bundles it (src/web/assets.ts).
  let clientBuilt = false;
  try {
    statSync(join(ROOT, CLIENT_ENTRY));
    clientBuilt = true;
  } catch {
    log(`${CLIENT_ENTRY} does not exist yet; the executable will serve no ${CLIENT_NAME}`);
  }
  if (clientBuilt) {
    const client = await build({ ...clientBuildOptions(ROOT), logLevel: 'warning' });
    const file = join(WORK, CLIENT_NAME);
    writeFileSync(file, client.outputFiles[0].contents);
    assets[SEA_PREFIX + CLIENT_NAME] = file;
    log(`${CLIENT_NAME} ${kib(file)}`);
  }

  assets[SEA_PREFIX + HTMX_NAME] = join(ROOT, HTMX_FILE);
  for (const [name, file] of publicFiles(ROOT)) {
    if (SEA_PREFIX + name in assets) throw new Error(`public/${name} clashes with a generated asset of the same name`);
    assets[SEA_PREFIX + name] = file;
  }
  log(`${Object.keys(assets).length} assets embedded`);

  // The server: one ES module, every dependency inside. Node builtins (node:sqlite, node:sea, …)
  // stay imports; esbuild is only used by the dev server (src/web/assets.ts) and never loaded here.
  const server = join(WORK, 'server.mjs');
  await build({
    entryPoints: [join(ROOT, 'src/main.ts')],
    outfile: server,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node26',
    minify: false,
    keepNames: true,
    sourcemap: false,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    external: ['esbuild'],
    // CommonJS dependencies (@peculiar/x509, tsyringe, reflect-metadata) call require() for
    // builtins; an ES module has none, so give it one.
    banner: { js: "import { createRequire as __tekupCreateRequire } from 'node:module'; const require = __tekupCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  log(`server bundle ${kib(server)}`);

  const config = join(WORK, 'sea-config.json');
  writeFileSync(
    config,
    JSON.stringify(
      {
        main: server,
        mainFormat: 'module',
        output: OUTPUT,
        executable: baseBinary(),
        disableExperimentalSEAWarning: true,
        useSnapshot: false,
        useCodeCache: false,
        execArgvExtension: 'none',
        assets,
      },
      null,
      2,
    ),
  );
  rmSync(OUTPUT, { force: true });
  execFileSync(process.execPath, ['--build-sea', config], { cwd: WORK, stdio: 'inherit' });
  chmodSync(OUTPUT, 0o755);
  rmSync(WORK, { recursive: true, force: true });
  log(`${OUTPUT} ${(statSync(OUTPUT).size / 1024 / 1024).toFixed(1)} MiB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * The Node binary to inject into: the one running this build (Node 26, pinned in package.json),
 * without its symbol tables when binutils' strip is at hand (about a fifth of the file, of no use
 * to an operator). The blob must be built by the same Node version it is injected into.
 */
function baseBinary(): string {
  const copy = join(WORK, 'node');
  copyFileSync(process.execPath, copy);
  try {
    execFileSync('strip', ['--strip-all', copy], { stdio: 'ignore' });
    return copy;
  } catch {
    log('strip is not available; embedding the Node binary as it is');
    return process.execPath;
  }
}

function kib(file: string): string {
  return `${(readFileSync(file).length / 1024).toFixed(1)} KiB`;
}

await main();
