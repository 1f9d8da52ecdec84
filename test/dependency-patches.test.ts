// The dependency patches (scripts/patch-dependencies.ts): applied as written, idempotent, refusing a
// changed library; and what they are for: a finished postgres.js query or ioredis command, and what
// it holds, dies in the young generation instead of surviving scavenges until a full collection.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { applyPatches, PATCHES, type Patch } from '../scripts/patch-dependencies.ts';
import { ROOT } from './helpers/server.ts';
import { startPostgres } from './helpers/postgres.ts';

/**
 * A young generation large enough that making the objects triggers no scavenge of its own: only
 * the two asked for run, so what they promote does not depend on how fast the machine is.
 */
const YOUNG = ['--min-semi-space-size=64', '--max-semi-space-size=64'];

/**
 * Runs `body` (an ES module's text, which may use `gained(make)`) in a process of its own with gc()
 * exposed, and returns what it prints as JSON. `gained` makes 200 objects around 10-KB strings
 * (after 50 to warm up), lets them go and says how much the old generation gained through two
 * scavenges.
 */
function measure(body: string, env: Record<string, string> = {}): Record<string, number> {
  const script = `
    import v8 from 'node:v8';
    import { randomBytes } from 'node:crypto';
    const old = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
    const kept = [];
    async function gained(make) {
      // Its code run once first: compiling it grows the old generation too.
      for (let i = 0; i < 50; i++) await make('');
      gc();
      const before = old();
      for (let i = 0; i < 200; i++) await make(randomBytes(5000).toString('hex'));
      gc({ type: 'minor' });
      gc({ type: 'minor' });
      return old() - before;
    }
    const control = await gained((s) => kept.push([s]));
    ${body}
  `;
  const out = execFileSync(process.execPath, ['--expose-gc', ...YOUNG, '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return JSON.parse(out) as Record<string, number>;
}

describe('dependency patches', () => {
  const patch: Patch = { file: 'lib/a.js', before: 'o.f = () => o\n', after: 'const f = () => o\no.f = f\n' };

  function modules(text: string): { dir: string; read: () => string } {
    const dir = mkdtempSync(join(tmpdir(), 'tekup-patch-'));
    const path = join(dir, patch.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return { dir, read: () => readFileSync(path, 'utf8') };
  }

  it('replaces the exact text once, and a second run changes nothing', () => {
    const m = modules('const o = {}\no.f = () => o\nexport default o\n');
    try {
      assert.deepEqual(applyPatches(m.dir, [patch]), ['lib/a.js: patched']);
      assert.equal(m.read(), 'const o = {}\nconst f = () => o\no.f = f\nexport default o\n');
      assert.deepEqual(applyPatches(m.dir, [patch]), ['lib/a.js: already patched']);
      assert.equal(m.read(), 'const o = {}\nconst f = () => o\no.f = f\nexport default o\n');
    } finally {
      rmSync(m.dir, { recursive: true, force: true });
    }
  });

  it('stops on a file whose text has changed, and leaves it as it was', () => {
    const text = 'const o = {}\no.f = (x) => o\n';
    const m = modules(text);
    try {
      assert.throws(() => applyPatches(m.dir, [patch]), /lib\/a\.js: the text to patch is not there exactly once/);
      assert.equal(m.read(), text);
    } finally {
      rmSync(m.dir, { recursive: true, force: true });
    }
  });

  it('are all applied in this node_modules', () => {
    for (const p of PATCHES) assert.ok(readFileSync(join(ROOT, 'node_modules', p.file), 'utf8').includes(p.after), `${p.file} is not patched: run npm ci`);
  });

  it('let finished queries and commands die young, with their parameters', () => {
    // The control keeps its objects on purpose, so the measure is seen to catch survivors.
    const { control, query, command } = measure(`
      import postgres from 'postgres';
      import Redis from 'ioredis';
      const sql = postgres({ host: '127.0.0.1', port: 1, max: 1 });
      const query = await gained((s) => void sql\`SELECT \${s}::text\`);
      const command = await gained((s) => void new Redis.Command('publish', ['channel', s]));
      console.log(JSON.stringify({ control, query, command }));
      await sql.end();
    `);
    assert.ok(control > 1_500_000, `the control's 2 MB should have been promoted, got ${control} B`);
    assert.ok(query < control / 10, `finished queries kept ${query} B through two scavenges (control ${control} B)`);
    assert.ok(command < control / 10, `finished commands kept ${command} B through two scavenges (control ${control} B)`);
  });

  it('let a finished transaction die young, with what its callback held', async () => {
    // Configured as the store is (src/store/postgres/connect.ts: a custom type), on a real
    // PostgreSQL: each sql.begin builds a scope of its own.
    const pg = await startPostgres();
    try {
      const { control, transaction } = measure(
        `
        import postgres from 'postgres';
        const sql = postgres(process.env.PGURL, { max: 1, onnotice: () => {}, types: { bigint: { to: 20, from: [20], serialize: String, parse: Number } } });
        const transaction = await gained((s) => sql.begin(async (tx) => (await tx\`SELECT \${s.length}::int AS n\`)[0].n));
        console.log(JSON.stringify({ control, transaction }));
        await sql.end();
      `,
        { PGURL: pg.url },
      );
      assert.ok(control > 1_500_000, `the control's 2 MB should have been promoted, got ${control} B`);
      assert.ok(transaction < control / 10, `finished transactions kept ${transaction} B through two scavenges (control ${control} B)`);
    } finally {
      await pg.stop();
    }
  });
});
