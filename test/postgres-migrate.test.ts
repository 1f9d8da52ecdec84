// The PostgreSQL schema migrations (src/store/postgres/migrate.ts) against a real server: applied
// on an empty database, a no-op ever after, and safe when several instances start at once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { migrate, MIGRATION_LOCK } from '../src/store/postgres/migrate.ts';
import { MIGRATIONS } from '../src/store/postgres/schema.ts';
import { startPostgres, type Postgres } from './helpers/postgres.ts';

let pg: Postgres;
const clients: postgres.Sql[] = [];
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await Promise.all(clients.map((c) => c.end({ timeout: 1 })));
  await pg?.stop();
});

const ALL = MIGRATIONS.map((m) => m.version);
const TABLES = [
  ...['activity', 'attachment_deletions', 'attachment_uploads', 'ca_state', 'certificates', 'deliveries', 'group_history', 'group_members', 'group_spans', 'groups', 'last_seen', 'link_requests'],
  ...['message_files', 'messages', 'ocsp_changes', 'ocsp_responses', 'read_marks', 'receipts_off'],
  ...['recovery_codes', 'schema_migrations', 'sessions', 'user_settings', 'users', 'write_counters'],
];

function client(url: string): postgres.Sql {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  clients.push(sql);
  return sql;
}

let databases = 0;
/** A new empty database on the file's server, so each test starts from nothing. */
async function freshDatabase(options = ''): Promise<string> {
  const name = `migrate_${++databases}`;
  const admin = client(pg.url);
  await admin.unsafe(`CREATE DATABASE ${name} ${options}`);
  return pg.url.replace(/\/tekup$/, `/${name}`);
}

/** Everything the schema is made of, to compare before and after. */
async function catalog(sql: postgres.Sql) {
  const columns = await sql`
    SELECT table_name, column_name, data_type, is_nullable, collation_name, column_default, is_identity
    FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`;
  const indexes = await sql`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`;
  const constraints = await sql`
    SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
    WHERE connamespace = 'public'::regnamespace ORDER BY conname`;
  const recorded = await sql`SELECT version, name, applied_at FROM schema_migrations ORDER BY version`;
  return { columns: [...columns], indexes: [...indexes], constraints: [...constraints], recorded: [...recorded] };
}

async function tables(sql: postgres.Sql): Promise<string[]> {
  return (await sql<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`).map((r) => r.tablename);
}

describe('PostgreSQL schema migrations', () => {
  it('apply in order on an empty database: every table the SQLite adapters have, each version recorded', async () => {
    const sql = client(await freshDatabase());
    assert.deepEqual(await tables(sql), []);
    assert.deepEqual(await migrate(sql), ALL);
    assert.deepEqual(await tables(sql), TABLES);
    const recorded = await sql`SELECT version, name FROM schema_migrations ORDER BY version`;
    assert.deepEqual(
      recorded.map((r) => ({ ...r })),
      MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
    );
  });

  it('change nothing when run again', async () => {
    const sql = client(await freshDatabase());
    await migrate(sql);
    const first = await catalog(sql);
    assert.deepEqual(await migrate(sql), []);
    assert.deepEqual(await catalog(sql), first);
  });

  it('run once when two instances start together: the second waits for the lock, then finds them applied', async () => {
    const url = await freshDatabase();
    const [a, b, holder] = [client(url), client(url), client(url)];
    // A third connection holds the lock, so both migrations are surely waiting at the same time.
    let release!: () => void;
    let locked!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holding = holder.begin(async (tx) => {
      await tx.unsafe(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      locked();
      await released;
    });
    await isLocked;
    // The holder's own connection is busy in its transaction: look on a fourth one.
    const observer = client(url);
    const queued = async () => (await observer<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)[0].n;
    const both = Promise.all([migrate(a), migrate(b)]);
    for (let i = 0; i < 200 && (await queued()) < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await queued(), 2, 'both migrations wait on the advisory lock');
    release();
    await holding;
    const results = await both;
    assert.deepEqual(
      results.map((r) => r.length).sort(),
      [0, ALL.length],
      'one applied everything, the other nothing',
    );
    const [{ n }] = await observer`SELECT count(*)::int AS n FROM schema_migrations`;
    assert.equal(n, ALL.length);
  });

  it('two concurrent first starts with no lock held beforehand both succeed', async () => {
    const url = await freshDatabase();
    const results = await Promise.all([migrate(client(url)), migrate(client(url)), migrate(client(url))]);
    assert.deepEqual(results.flat().sort((x, y) => x - y), ALL);
    assert.deepEqual(await tables(client(url)), TABLES);
  });

  it('leave the database as it was when a migration fails, recording nothing', async () => {
    const sql = client(await freshDatabase());
    const broken = [...MIGRATIONS, { version: ALL.length + 1, name: 'broken', sql: 'CREATE TABLE half_done (x int); SELECT no_such_column FROM users' }];
    await assert.rejects(migrate(sql, broken), /no_such_column/);
    assert.deepEqual(await tables(sql), [], 'not even the earlier migrations of that run');
    // The good ones still apply afterwards, and the broken one fails again on its own.
    assert.deepEqual(await migrate(sql), ALL);
    await assert.rejects(migrate(sql, broken), /no_such_column/);
    assert.deepEqual(await tables(sql), TABLES);
  });

  it('refuse a database whose recorded version has another name (a renumbered list)', async () => {
    const sql = client(await freshDatabase());
    await migrate(sql);
    const renamed = MIGRATIONS.map((m) => (m.version === 2 ? { ...m, name: 'something else' } : m));
    await assert.rejects(migrate(sql, renamed), /version 2 as "certificate records and CA state", not "something else"/);
  });

  it('count the writes to certificate records in the writing transaction, not statements that change nothing', async () => {
    const sql = client(await freshDatabase());
    await migrate(sql);
    const count = async () => Number((await sql`SELECT n FROM write_counters WHERE name = 'certificates'`)[0].n);
    assert.equal(await count(), 0);
    const der = Buffer.from([0x30, 0x00]);
    const at = '2026-01-01T00:00:00.000Z';
    await sql`INSERT INTO certificates (serial, login, fingerprint, der, not_before, not_after, issued_at, state, key_hash)
              VALUES ('01', 'alice', 'f1', ${der}, ${at}, ${at}, ${at}, 'pending', 'k1')`;
    await sql`UPDATE certificates SET state = 'issued' WHERE serial = '01' AND state = 'pending'`;
    await sql`UPDATE certificates SET state = 'issued' WHERE serial = '01' AND state = 'pending'`; // nothing to confirm
    assert.equal(await count(), 2);
    await assert.rejects(
      sql.begin(async (tx) => {
        await tx`UPDATE certificates SET revoked_at = ${at} WHERE serial = '01'`;
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    assert.equal(await count(), 2, 'a rolled back write counts nothing');
    await sql`INSERT INTO ocsp_responses (serial, cert_id, this_update, next_update, der) VALUES ('01', ${der}, ${at}, ${at}, ${der})`;
    await sql`DELETE FROM certificates WHERE serial = '01'`;
    assert.equal(await count(), 3);
    assert.deepEqual([...(await sql`SELECT serial FROM ocsp_responses`)], [], 'responses go with their record');
  });

  it('order and compare text bytewise, as SQLite does, whatever the database locale', async () => {
    // An ICU en-US database sorts "a" before "B"; SQLite (and these columns) put "B" first.
    const sql = client(await freshDatabase(`TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'`));
    await migrate(sql);
    const [{ icu }] = await sql`SELECT 'a' < 'B' AS icu`;
    assert.equal(icu, true, 'the database itself sorts by locale');
    for (const login of ['b', 'B', 'a', 'A']) await sql`INSERT INTO last_seen (login, at) VALUES (${login}, '2026-01-01T00:00:00.000Z')`;
    const logins = (await sql<{ login: string }[]>`SELECT login FROM last_seen ORDER BY login`).map((r) => r.login);
    assert.deepEqual(logins, ['A', 'B', 'a', 'b']);
  });
});
