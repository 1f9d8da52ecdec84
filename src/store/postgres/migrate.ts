// Brings a PostgreSQL database up to the schema of src/store/postgres/schema.ts, at every start.
// Several instances may start at once against one database: each runs this in one transaction that
// first takes a transaction-level advisory lock, so they queue, and the second finds everything the
// first applied already recorded in schema_migrations and applies nothing. PostgreSQL's DDL is
// transactional: a failing migration leaves the database as it was, with nothing recorded.
import type { Sql } from 'postgres';
import { MIGRATIONS, type Migration } from './schema.ts';

/**
 * The advisory lock key: any constant, the same in every instance; "tekup" in ASCII, so it is
 * recognisable in pg_locks and unlikely to collide with another application's on a shared server.
 */
export const MIGRATION_LOCK = 0x74656b7570n;

/**
 * Applies the migrations not yet recorded, in order, and returns their versions (empty when the
 * schema was already up to date). Throws, applying nothing, when the database records a version
 * under another name than ours: the list was renumbered or belongs to another application.
 *
 * @example
 *   const sql = postgres(databaseUrl);
 *   await migrate(sql); // [1, 2, 3, 4] on an empty database, [] ever after
 */
export async function migrate(sql: Sql, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return sql.begin(async (tx) => {
    // Held until this transaction ends; a second instance waits here, then sees our commit.
    await tx.unsafe(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.unsafe(`CREATE TABLE IF NOT EXISTS schema_migrations (
                       version integer PRIMARY KEY,
                       name text NOT NULL,
                       applied_at timestamptz NOT NULL DEFAULT now()
                     )`);
    const recorded = new Map((await tx<{ version: number; name: string }[]>`SELECT version, name FROM schema_migrations`).map((r) => [r.version, r.name]));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      const name = recorded.get(m.version);
      if (name !== undefined) {
        if (name !== m.name) throw new Error(`schema_migrations records version ${m.version} as "${name}", not "${m.name}": refusing to migrate`);
        continue;
      }
      // The simple query protocol: the only one that takes several statements in one go.
      await tx.unsafe(m.sql).simple();
      await tx`INSERT INTO schema_migrations (version, name) VALUES (${m.version}, ${m.name})`;
      applied.push(m.version);
    }
    return applied;
  });
}
