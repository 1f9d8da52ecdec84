// Run by `npm install` / `npm ci` (the postinstall script): mends two dependencies in node_modules
// where they make every query or Redis command outlive the young generation.
//
// V8 allocates a function literal assigned straight to a property (`obj.f = () => …`) in the old
// generation, betting that it is a method that will live long (its parser's "pretenure" hint; the
// interpreter and Maglev honour it). When such a closure is made per call and captures the call's
// own object, the closure is old and dies at once, but until the next full collection it keeps the
// object alive through every scavenge: the young generation copies the object and everything it
// holds (a query's parameters and rows, a PUBLISH's payload) and then promotes it. With postgres.js
// and ioredis this happened to every query, transaction and command: at 200 messages/s on PostgreSQL +
// Redis, 3.2 MB promoted per scavenge (SQLite: 0.7 MB) and scavenges twice as long
// (docs/performance.md). Assigning the same closure from a local variable drops the hint and
// nothing else: the code is the same, the closure is allocated young and dies young with its call.
//
// Each patch is exact text; applying is idempotent, and a file that holds neither the original nor
// the patched text (a new version of the library) stops the install, to be looked at again.
// test/dependency-patches.test.ts checks the effect itself.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Patch {
  file: string;
  before: string;
  after: string;
}

/**
 * Each `target = literal` (on its own lines, at `indent`) becomes `const local = literal`, then
 * `target = local`: the same closure, no longer assigned straight to a property. Several go
 * together where one line alone is not unique in its file.
 */
function viaLocals(file: string, indent: string, assignments: Array<[target: string, local: string, literal: string]>, end = ''): Patch {
  return {
    file,
    before: assignments.map(([target, , literal]) => `${indent}${target} = ${literal}${end}`).join('\n'),
    after: [
      ...assignments.map(([, local, literal]) => `${indent}const ${local} = ${literal}${end}`),
      ...assignments.map(([target, local]) => `${indent}${target} = ${local}${end}`),
    ].join('\n'),
  };
}

export const PATCHES: readonly Patch[] = [
  viaLocals('postgres/src/query.js', '    ', [
    ['this.resolve', 'settle', 'x => (this.active = false, resolve(x))'],
    ['this.reject', 'fail', 'x => (this.active = false, reject(x))'],
  ]),
  viaLocals('postgres/src/index.js', '      ', [['sql.prepare', 'prepared', `x => prepare = x.replace(/[^a-z0-9$-_. ]/gi)`]]),
  viaLocals('postgres/src/index.js', '      ', [
    [
      'c.reserved',
      'next',
      `() => queries.length
        ? c.execute(queries.shift())
        : move(c, reserved)`,
    ],
  ]),
  // Run for every transaction (sql.begin makes its own sql): with a custom type configured (the
  // store's bigint), its closure kept the transaction's scope, and so its batch, alive.
  viaLocals('postgres/src/index.js', '      ', [['acc[name]', 'parameter', '(x) => new Parameter(x, type.to)']]),
  viaLocals(
    'ioredis/built/Command.js',
    '            ',
    [
      [
        'this.reject',
        'fail',
        `(err) => {
                this._clearTimers();
                this.isSettled = true;
                if (this.errorStack) {
                    reject((0, utils_1.optimizeErrorStack)(err, this.errorStack.stack, __dirname));
                }
                else {
                    reject(err);
                }
            }`,
      ],
    ],
    ';',
  ),
];

/** Applies every patch under `modules` (a node_modules directory); returns what it did per patch. */
export function applyPatches(modules: string, patches: readonly Patch[] = PATCHES): string[] {
  return patches.map((p) => {
    const path = join(modules, p.file);
    const text = readFileSync(path, 'utf8');
    if (text.includes(p.after)) return `${p.file}: already patched`;
    const at = text.indexOf(p.before);
    if (at < 0 || text.indexOf(p.before, at + 1) >= 0) {
      throw new Error(`${path}: the text to patch is not there exactly once; has the library changed? See scripts/patch-dependencies.ts`);
    }
    writeFileSync(path, text.slice(0, at) + p.after + text.slice(at + p.before.length));
    return `${p.file}: patched`;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const modules = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules');
  for (const line of applyPatches(modules)) console.log(`patch-dependencies: ${line}`);
}
