// Node strips TypeScript types but does not transform JSX, so .tsx pages are compiled here at load
// time with esbuild (the same compiler that bundles them for the executable). Registered with
// `node --import ./src/tsx-hooks.ts` by every npm script that runs source files.
import { registerHooks } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

registerHooks({
  load(url, context, nextLoad) {
    if (!url.startsWith('file:') || !url.endsWith('.tsx')) return nextLoad(url, context);
    const file = fileURLToPath(url);
    const { code } = transformSync(readFileSync(file, 'utf8'), {
      loader: 'tsx',
      format: 'esm',
      jsx: 'automatic',
      jsxImportSource: 'hono/jsx',
      sourcefile: file,
      sourcemap: 'inline',
      target: 'es2024',
    });
    return { format: 'module', source: code, shortCircuit: true };
  },
});
