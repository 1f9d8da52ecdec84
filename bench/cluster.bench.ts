// Scaling out (issue 19, docs/scaling.md): message throughput and SSE send→receive latency for
//   (a) 1 instance on SQLite (--data only),
//   (b) 1 instance on PostgreSQL + Redis (--database-url, --redis-url),
//   (c) 2 instances on the same PostgreSQL + Redis, every message posted to one and received on a
//       stream held by the other,
// in one run. Goals on this 2-core machine: (c) ≥ 0.9 × (b) in accepted messages/s (distribution
// costs little), and cross-instance send→receive p99 < 20 ms at an offered 200 msgs/s.
//
// Beside them, the server's CPU time per accepted message (all its threads, /proc/PID/stat
// utime+stime, summed over both processes in (c)) against the sum of its irreducible parts
// measured in the same run: a bare Hono JSON POST's CPU per request (bench/lib/bare-hono.ts, same
// load), one RSA-PSS-2048 verification, and one row's share of a group-commit insert (SQLite: the
// writer's statement into the server's own messages table, a 32-row transaction, one WAL fdatasync
// and the writer's checkpoints; PostgreSQL: the client side of
// the adapter's advisory-lock + unnest INSERT of 32 rows, which is all the server process pays;
// PostgreSQL's own backends are other processes, counted by neither). Goal ≤ 1.5 × that sum. The
// server and the bare handler each serve an unmeasured round first (WARM_REQUESTS). Beside them,
// the same parts composed into a server that checks nothing (bench/lib/parts-server.ts), on each
// store, under the same load: what the parts cost once they work together, the floor under that goal.
//
// (a) and (b) run the message path twice: alone (no stream open: the CPU figure held against the
// sum of parts), then with every user's stream open, as (c) must be (the throughput figures), and
// PostgreSQL is the test helper's (fsync=off, synchronous_commit=off: its commits do not wait for
// a disk, where SQLite's group commit fdatasyncs its WAL). Measurements are short (5 s a
// configuration) because the machine is shared; the load average is printed with the figures.
import { Agent, request, type ClientRequest } from 'node:http';
import { X509Certificate, constants, randomBytes, randomUUID, sign, verify } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, closeSync, fdatasyncSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { ROOT, startServer, type Running } from '../test/helpers/server.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { startRedis } from '../test/helpers/redis.ts';
import { startChild } from './lib/process.ts';
import type { PartsUser } from './lib/parts-server.ts';
import { runLoad, send, type LoadResult, type Req } from './lib/load.ts';
import { openStreams, sseEvents, type SseClients } from './lib/sse-clients.ts';
import { enrollMany, logIn, messageRequest, signingKey, unsignedEnvelope, type BenchUser } from './lib/users.ts';
import { quantile, report, sleep, type Metric } from './lib/stats.ts';
import { jcs } from '../src/client/jcs.ts';
import type { Envelope } from '../src/protocol/envelope.ts';
import { SqliteMessageStore } from '../src/store/sqlite/messages.ts';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { CHECKPOINT_MS, SQL as WRITER_SQL } from '../src/store/sqlite/message-writer.ts';

/** Four users in two pairs; in (c) each pair's streams are on the instance the other pair posts to. */
const USERS = 4;
const CONCURRENCY = 64;
const THROUGHPUT_MS = 5_000;
const WARMUP = 400;
/**
 * Before the runs whose CPU per message is the goal's, and before the bare handler's and the parts
 * server's, this many requests unmeasured: the optimizing compiler's work on a fresh process (on
 * V8's own threads, counted in /proc) is not a per-message cost, and every side gets the same.
 * Counted in requests, not time, and this many because the server's code reaches its optimized
 * tier only after tens of thousands of calls: after the 2-s round used before (~6,000 messages)
 * V8 still finished 352 compilations during the next 12,000 messages (--trace-opt; 150 of them
 * TurboFan: the relay, the response path, the body reader), ~40 µs a message on its compiler
 * threads, and the event loop meanwhile ran their slower tiers; after 18,000, 20 compilations.
 */
const WARM_REQUESTS = 20_000;
/** Envelopes signed per throughput run: the window closes early when they run out (the rate stays right). */
const ENVELOPES = 8_000;
const RATE = 200;
const RATE_MS = 5_000;
const RATE_WARMUP = 100;
const BATCH = 32;
const CPU_TICK_MS = 10;

const started = new Date();
const loadAtStart = loadavg();

/** CPU time a process has used so far, all its threads (/proc/PID/stat utime + stime, clock ticks of 10 ms). */
function cpuTimeMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * CPU_TICK_MS;
}

/** CPU µs of this thread spent in `f`. */
async function threadCpuUs(f: () => unknown | Promise<unknown>): Promise<number> {
  const before = process.threadCpuUsage();
  await f();
  const d = process.threadCpuUsage(before);
  return d.user + d.system;
}

/** As users.ts's envelope(), signed on libuv's pool so both cores sign while nothing is measured. */
function envelopeAsync(from: BenchUser, to: string): Promise<Envelope> {
  const e = unsignedEnvelope(from, to);
  return new Promise((resolve, reject) =>
    sign('sha256', Buffer.from(jcs(e)), { key: signingKey(from), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, (err, sig) =>
      err ? reject(err) : resolve({ ...e, sig: sig.toString('base64') }),
    ),
  );
}

/** `n` message requests, from each pair's first user to its second and back. */
async function messages(pairs: [BenchUser, BenchUser][], n: number): Promise<Req[]> {
  const out: Promise<Req>[] = [];
  for (let i = 0; i < n; i++) {
    const [x, y] = pairs[i % pairs.length];
    const [from, to] = (i >> 1) % 2 ? [y, x] : [x, y];
    out.push(envelopeAsync(from, to.login).then((e) => messageRequest(from, e)));
  }
  return Promise.all(out);
}

/** The unmeasured round before a measured one (WARM_REQUESTS). */
async function warmUp(url: string, pairs: [BenchUser, BenchUser][]): Promise<void> {
  await runLoad({ kind: 'closed', url, requests: await messages(pairs, WARM_REQUESTS), concurrency: CONCURRENCY });
}

/** Probe bodies: every one from `from` to `to`, whose stream is timed. */
async function probeBodies(from: BenchUser, to: BenchUser): Promise<string[]> {
  const n = RATE_WARMUP + (RATE * RATE_MS) / 1000;
  return Promise.all(Array.from({ length: n }, () => envelopeAsync(from, to.login).then((e) => JSON.stringify(e))));
}

interface Throughput {
  rate: number;
  accepted: number;
  statuses: Record<string, number>;
  errors: number;
  cpuPerMessageUs: number;
  samples: string[];
}

/** Closed loads, one per target, at the same time; CPU of every server process over the whole of it. */
async function throughput(targets: { url: string; requests: Req[] }[], pids: number[]): Promise<Throughput> {
  const before = pids.map(cpuTimeMs);
  const results: LoadResult[] = await Promise.all(
    targets.map((t) =>
      runLoad({ kind: 'closed', url: t.url, requests: t.requests, concurrency: CONCURRENCY / targets.length, warmup: WARMUP / targets.length, durationMs: THROUGHPUT_MS }),
    ),
  );
  const cpu = pids.map(cpuTimeMs).reduce((t, c, i) => t + c - before[i], 0);
  const statuses: Record<string, number> = {};
  for (const r of results) for (const [k, n] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
  // Warm-up requests are served (and cost CPU) too: count them as accepted when every measured one was.
  const accepted = (statuses['201'] ?? 0) + WARMUP;
  return {
    rate: results.reduce((t, r) => t + r.rate, 0),
    accepted,
    statuses,
    errors: results.reduce((t, r) => t + r.errors, 0),
    cpuPerMessageUs: (cpu * 1000) / accepted,
    samples: results.flatMap((r) => r.samples),
  };
}

interface Probe {
  receive: number[];
  accept: number[];
  lost: number;
  offered: number;
}

/**
 * Messages posted to `postUrl` at a fixed rate (scheduled on absolute times, so a slow answer never
 * slows the load) and timed until they arrive on `to`'s stream held on `streamUrl`, on this thread.
 */
async function probe(postUrl: string, streamUrl: string, from: BenchUser, to: BenchUser, bodies: string[]): Promise<Probe> {
  const streamAt = new URL(streamUrl);
  const startedAt = new Map<string, number>();
  const receive: number[] = [];
  const accept: number[] = [];
  let req: ClientRequest | undefined;
  await new Promise<void>((resolve, reject) => {
    req = request(
      { host: streamAt.hostname, port: streamAt.port, path: '/api/v1/events', agent: false, headers: { authorization: `Bearer ${to.token}`, accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`events: ${res.statusCode}`));
        res.setEncoding('utf8');
        res.on(
          'data',
          sseEvents((type, data) => {
            if (type === 'ready') resolve();
            if (type !== 'message') return;
            const id = (JSON.parse(data) as { id: string }).id;
            const t0 = startedAt.get(id);
            if (t0 !== undefined) {
              receive.push(performance.now() - t0);
              startedAt.delete(id);
            }
          }),
        );
        res.on('error', () => {});
      },
    );
    req.on('error', reject);
    req.end();
  });
  const post = new URL(postUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const posts: Promise<void>[] = [];
  const interval = 1000 / RATE;
  const t0 = performance.now();
  for (let i = 0; i < bodies.length; ) {
    while (i < bodies.length && t0 + i * interval <= performance.now()) {
      const body = bodies[i];
      const timed = i >= RATE_WARMUP;
      const id = (JSON.parse(body) as { id: string }).id;
      const start = performance.now();
      if (timed) startedAt.set(id, start);
      posts.push(
        send(post, agent, { method: 'POST', path: '/api/v1/messages', headers: { 'content-type': 'application/json', authorization: `Bearer ${from.token}` }, body }).then(
          (res) => void (res.status === 201 && timed && accept.push(performance.now() - start)),
          () => {},
        ),
      );
      i++;
    }
    const wait = t0 + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
  }
  const offered = ((bodies.length - 1) / (performance.now() - t0)) * 1000;
  await Promise.all(posts);
  // Stragglers: on a loaded machine events arrive well after their 201; 'lost' is what never did.
  for (const end = performance.now() + 5_000; startedAt.size && performance.now() < end; ) await sleep(50);
  agent.destroy();
  req?.destroy();
  return { receive, accept, lost: startedAt.size, offered };
}

// ---- the irreducible parts, measured in this process -------------------------------------------

/** CPU µs of one RSA-PSS-2048 SHA-256 verification of an envelope-sized text, with the key already parsed. */
async function verifyCostUs(u: BenchUser): Promise<number> {
  const e = await envelopeAsync(u, u.login);
  const { sig, ...rest } = e;
  const text = Buffer.from(jcs(rest));
  const s = Buffer.from(sig, 'base64');
  const key = new X509Certificate(u.certificate).publicKey;
  const n = 2_000;
  let ok = true;
  const us = await threadCpuUs(() => {
    for (let i = 0; i < n; i++) ok &&= verify('sha256', text, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, s);
  });
  if (!ok) throw new Error('the verification baseline did not verify');
  return us / n;
}

/**
 * CPU µs to read one message event off the Redis channel: every instance JSON-parses every event
 * any instance publishes (its own included, to skip them), whether or not it holds a stream for it.
 * The wire shape of src/store/redis/event-relay.ts ({from, e: {to, event}}); ioredis's own RESP
 * parsing is not included.
 */
async function fanOutParseUs(u: BenchUser): Promise<{ us: number; bytes: number }> {
  const e = await envelopeAsync(u, u.login);
  const text = JSON.stringify({ from: randomUUID(), e: { to: [u.login, 'someone'], event: { type: 'message', message: { seq: 123456, receivedAt: new Date().toISOString(), envelope: e } } } });
  const n = 20_000;
  const us = await threadCpuUs(() => {
    for (let i = 0; i < n; i++) JSON.parse(text);
  });
  return { us: us / n, bytes: Buffer.byteLength(text) };
}

/** A messages row as both adapters store it. */
async function rows(u: BenchUser, n: number): Promise<string[][]> {
  const e = await envelopeAsync(u, u.login);
  return Array.from({ length: n }, () => {
    const x = { ...e, id: randomUUID() };
    return [x.id, x.from, x.to, new Date().toISOString(), JSON.stringify(x)];
  });
}

/** Wall time of one BATCH-row transaction, ms, as last measured (SQLite, PostgreSQL). */
const txWallMs = { sqlite: 0, postgres: 0 };

/**
 * CPU µs per row of the SQLite writer's group commit, as the server does it: the messages table
 * with the indexes its reads need (made by the store's own migrations), the writer's INSERT, BATCH
 * rows in one transaction, one WAL fdatasync, and the writer's checkpoint every CHECKPOINT_MS (a
 * WAL row is stored only once it is copied into the database; without it the WAL grows without end).
 */
async function sqliteInsertCostUs(u: BenchUser): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tekup-bench-sqlite-'));
  try {
    const file = join(dir, 'm.db');
    const store = new SqliteMessageStore(openDatabase(file));
    await store.close();
    const db = new DatabaseSync(file);
    db.exec('PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;');
    const insert = db.prepare(WRITER_SQL.insert);
    const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    const all = await rows(u, 200 * BATCH);
    const wal = openSync(file + '-wal', 'r');
    let checkpointedAt = 0;
    const commitAll = (batches: string[][][]) => {
      for (const b of batches) {
        db.exec('BEGIN IMMEDIATE');
        for (const r of b) insert.run(...r, null);
        db.exec('COMMIT');
        fdatasyncSync(wal);
        const now = Date.now();
        if (now - checkpointedAt >= CHECKPOINT_MS) {
          checkpointedAt = now;
          checkpoint.get();
        }
      }
    };
    const batches = Array.from({ length: all.length / BATCH }, (_, i) => all.slice(i * BATCH, (i + 1) * BATCH));
    commitAll(batches.slice(0, 20)); // warm
    const measured = batches.slice(20);
    const t0 = performance.now();
    const us = await threadCpuUs(() => commitAll(measured));
    txWallMs.sqlite = (performance.now() - t0) / measured.length;
    closeSync(wal);
    db.close();
    return us / (measured.length * BATCH);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU µs per row, on the client's side, of the PostgreSQL adapter's group commit (a table of its own). */
async function postgresInsertCostUs(url: string, u: BenchUser): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`CREATE TABLE bench_messages (seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, id text NOT NULL UNIQUE, from_login text NOT NULL,
      to_login text NOT NULL, received_at text NOT NULL, envelope text NOT NULL);
      CREATE INDEX bench_messages_pair ON bench_messages (from_login, to_login, seq);
      CREATE INDEX bench_messages_to ON bench_messages (to_login, seq);
      CREATE INDEX bench_messages_senders ON bench_messages (to_login, from_login);`);
    const all = await rows(u, 150 * BATCH);
    const commit = async (b: string[][]) => {
      const col = (k: number) => b.map((r) => r[k]);
      await sql.begin((tx) => [
        tx.unsafe('SELECT pg_advisory_xact_lock(4242)'),
        tx`INSERT INTO bench_messages (id, from_login, to_login, received_at, envelope)
           SELECT id, from_login, to_login, received_at, envelope
           FROM unnest(${col(0)}::text[], ${col(1)}::text[], ${col(2)}::text[], ${col(3)}::text[], ${col(4)}::text[])
                WITH ORDINALITY AS u(id, from_login, to_login, received_at, envelope, n)
           ORDER BY n ON CONFLICT (id) DO NOTHING RETURNING id, seq`,
      ]);
    };
    const batches = Array.from({ length: all.length / BATCH }, (_, i) => all.slice(i * BATCH, (i + 1) * BATCH));
    for (const b of batches.slice(0, 20)) await commit(b); // warm: prepared statement, JIT
    const measured = batches.slice(20);
    const t0 = performance.now();
    const us = await threadCpuUs(async () => {
      for (const b of measured) await commit(b);
    });
    txWallMs.postgres = (performance.now() - t0) / measured.length;
    await sql.unsafe('DROP TABLE bench_messages');
    return us / (measured.length * BATCH);
  } finally {
    await sql.end();
  }
}

/**
 * The parts composed (bench/lib/parts-server.ts) for these logged-in users, its store in a data
 * directory of its own or in `databaseUrl`: warmed and measured as the servers are, then stopped.
 */
async function partsComposed(users: BenchUser[], pairs: [BenchUser, BenchUser][], databaseUrl?: string): Promise<Throughput> {
  const dir = mkdtempSync(join(tmpdir(), 'tekup-bench-parts-'));
  const list: PartsUser[] = users.map((u) => ({ token: u.token!, serial: u.serial, certificate: u.certificate }));
  writeFileSync(join(dir, 'users.json'), JSON.stringify(list));
  const child = await startChild(process.execPath, ['bench/lib/parts-server.ts', join(dir, 'users.json'), dir, ...(databaseUrl ? [databaseUrl] : [])], /listening on http:\/\/127\.0\.0\.1:(\d+)/, { cwd: ROOT });
  try {
    const url = `http://127.0.0.1:${child.port}`;
    await warmUp(url, pairs);
    const t = await throughput([{ url, requests: await messages(pairs, ENVELOPES) }], [child.proc.pid!]);
    log(`parts composed, ${databaseUrl ? 'PostgreSQL' : 'SQLite'}: ${t.rate.toFixed(0)}/s, ${t.cpuPerMessageUs.toFixed(0)} µs CPU/message ${JSON.stringify(t.statuses)}`);
    return t;
  } finally {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- the run -------------------------------------------------------------------------------------

const log = (s: string) => console.log(`  [${new Date().toISOString().slice(11, 19)}] ${s}`);
const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
const bare = await startChild(process.execPath, ['bench/lib/bare-hono.ts'], /listening on http:\/\/127\.0\.0\.1:(\d+)/, { cwd: ROOT });
const running: Running[] = [];
const streams: SseClients[] = [];
const closeStreams = async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
};

async function users(url: string, prefix: string): Promise<{ all: BenchUser[]; pairs: [BenchUser, BenchUser][]; probeFrom: BenchUser; probeTo: BenchUser }> {
  const all = await enrollMany(url, USERS + 2, prefix);
  for (const u of all) await logIn(url, u);
  return { all, pairs: [[all[0], all[1]], [all[2], all[3]]], probeFrom: all[4], probeTo: all[5] };
}

try {
  // The bare handler: its rate and CPU per request under the same load shape.
  const bareReqs = Array.from({ length: 2_000 }, () => ({
    method: 'POST',
    path: '/api/v1/messages',
    headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
    body: JSON.stringify({ id: randomUUID(), ct: randomBytes(600).toString('base64'), keys: { a: randomBytes(256).toString('base64'), b: randomBytes(256).toString('base64') } }),
  }));
  const bareWarm = Array.from({ length: WARM_REQUESTS }, (_, i) => bareReqs[i % bareReqs.length]);
  await runLoad({ kind: 'closed', url: `http://127.0.0.1:${bare.port}`, requests: bareWarm, concurrency: CONCURRENCY });
  const bareCpu0 = cpuTimeMs(bare.proc.pid!);
  const bareRun = await runLoad({ kind: 'closed', url: `http://127.0.0.1:${bare.port}`, requests: bareReqs, cycle: true, concurrency: CONCURRENCY, warmup: 500, durationMs: 3_000 });
  const bareAnswers = (bareRun.statuses['201'] ?? 0) + 500;
  const bareUs = ((cpuTimeMs(bare.proc.pid!) - bareCpu0) * 1000) / bareAnswers;
  await bare.stop();
  log(`bare Hono POST: ${bareRun.rate.toFixed(0)}/s, ${bareUs.toFixed(0)} µs CPU per request`);

  // (a) SQLite.
  const a = await startServer({ args: ['--quiet'] });
  running.push(a);
  const ua = await users(a.url, 'cla');
  const verifyUs = await verifyCostUs(ua.all[0]);
  const sqliteInsertUs = await sqliteInsertCostUs(ua.all[0]);
  const fanOut = await fanOutParseUs(ua.all[0]);
  log(`RSA-PSS verify ${verifyUs.toFixed(0)} µs, SQLite insert ${sqliteInsertUs.toFixed(0)} µs per row (${txWallMs.sqlite.toFixed(2)} ms per ${BATCH}-row transaction), event parse ${fanOut.us.toFixed(1)} µs`);
  // The message path alone (no stream open) for its CPU per message, then with every recipient's stream open.
  await warmUp(a.url, ua.pairs);
  const cA = await throughput([{ url: a.url, requests: await messages(ua.pairs, ENVELOPES) }], [a.proc.pid!]);
  log(`(a) no streams: ${cA.rate.toFixed(0)}/s, ${cA.cpuPerMessageUs.toFixed(0)} µs CPU/message ${JSON.stringify(cA.statuses)}`);
  // The parts composed, for (a)'s users, the same load and warm-up.
  const cP = await partsComposed(ua.all, ua.pairs);
  streams.push(await openStreams({ url: a.url, tokens: ua.all.slice(0, 4).map((u) => u.token!), opening: 4 }));
  const tA = await throughput([{ url: a.url, requests: await messages(ua.pairs, ENVELOPES) }], [a.proc.pid!]);
  log(`(a) ${tA.rate.toFixed(0)}/s, ${tA.cpuPerMessageUs.toFixed(0)} µs CPU/message ${JSON.stringify(tA.statuses)}`);
  await closeStreams();
  await sleep(1_000);
  const pA = await probe(a.url, a.url, ua.probeFrom, ua.probeTo, await probeBodies(ua.probeFrom, ua.probeTo));
  log(`(a) p99 ${quantile(pA.receive, 0.99).toFixed(2)} ms`);
  await a.stop();
  running.splice(running.indexOf(a), 1);

  // (b) one instance on PostgreSQL + Redis; the probe's sender posts only from A.
  const pgArgs = ['--quiet', '--database-url', pg.url, '--redis-url', redis.url];
  const A = await startServer({ args: pgArgs });
  running.push(A);
  const ub = await users(A.url, 'clb');
  const pgInsertUs = await postgresInsertCostUs(pg.url, ub.all[0]);
  log(`PostgreSQL insert ${pgInsertUs.toFixed(0)} µs per row (client side), ${txWallMs.postgres.toFixed(2)} ms per ${BATCH}-row transaction`);
  await warmUp(A.url, ub.pairs);
  const cB = await throughput([{ url: A.url, requests: await messages(ub.pairs, ENVELOPES) }], [A.proc.pid!]);
  log(`(b) no streams: ${cB.rate.toFixed(0)}/s, ${cB.cpuPerMessageUs.toFixed(0)} µs CPU/message ${JSON.stringify(cB.statuses)}`);
  streams.push(await openStreams({ url: A.url, tokens: ub.all.slice(0, 4).map((u) => u.token!), opening: 4 }));
  const tB = await throughput([{ url: A.url, requests: await messages(ub.pairs, ENVELOPES) }], [A.proc.pid!]);
  log(`(b) ${tB.rate.toFixed(0)}/s, ${tB.cpuPerMessageUs.toFixed(0)} µs CPU/message ${JSON.stringify(tB.statuses)}`);
  await closeStreams();
  await sleep(1_000);
  const pB = await probe(A.url, A.url, ub.probeFrom, ub.probeTo, await probeBodies(ub.probeFrom, ub.probeTo));
  log(`(b) p99 ${quantile(pB.receive, 0.99).toFixed(2)} ms`);

  // (c) a second instance B on the same data directory (the CA keys), PostgreSQL and Redis.
  // Pair 0 holds its streams on B and posts to A; pair 1 holds them on A and posts to B: every
  // message is accepted by one instance and pushed by the other, through Redis.
  const B = await startServer({ dataDir: A.dataDir, args: pgArgs });
  running.push(B);
  streams.push(await openStreams({ url: B.url, tokens: ub.all.slice(0, 2).map((u) => u.token!), opening: 2 }));
  streams.push(await openStreams({ url: A.url, tokens: ub.all.slice(2, 4).map((u) => u.token!), opening: 2 }));
  const [toA, toB] = await Promise.all([messages([ub.pairs[0]], ENVELOPES / 2), messages([ub.pairs[1]], ENVELOPES / 2)]);
  // Both instances warm before the clock: B has served nothing yet.
  await runLoad({ kind: 'closed', url: B.url, requests: await messages([ub.pairs[1]], 300), concurrency: 16 });
  const tC = await throughput(
    [
      { url: A.url, requests: toA },
      { url: B.url, requests: toB },
    ],
    [A.proc.pid!, B.proc.pid!],
  );
  log(`(c) ${tC.rate.toFixed(0)}/s, ${tC.cpuPerMessageUs.toFixed(0)} µs CPU/message ${JSON.stringify(tC.statuses)}`);
  await closeStreams();
  await sleep(1_000);
  const pC = await probe(A.url, B.url, ub.probeFrom, ub.probeTo, await probeBodies(ub.probeFrom, ub.probeTo));
  log(`(c) cross-instance p99 ${quantile(pC.receive, 0.99).toFixed(2)} ms`);

  // The parts composed on PostgreSQL, last: its messages go into (b)'s database (its users' rows are
  // there), where they would otherwise wait to be delivered when (b)'s streams open.
  const cPg = await partsComposed(ub.all, ub.pairs, pg.url);

  const health = await Promise.all([A, B].map(async (s) => `${(await fetch(`${s.url}/healthz`)).status} ${await (await fetch(`${s.url}/healthz`)).text()}`));
  const loadAtEnd = loadavg();

  const allAccepted = (t: Throughput) => t.errors === 0 && Object.keys(t.statuses).every((k) => k === '201');
  const p99 = (p: Probe) => quantile(p.receive, 0.99);
  const probeOk = (p: Probe) => p.lost === 0 && p.receive.length === (RATE * RATE_MS) / 1000;
  const sumSqlite = bareUs + verifyUs + sqliteInsertUs;
  const sumPg = bareUs + verifyUs + pgInsertUs;
  const probeNote = (name: string, p: Probe) =>
    `${name} send→receive at ${p.offered.toFixed(0)} msgs/s offered: p50 ${quantile(p.receive, 0.5).toFixed(2)} ms, p90 ${quantile(p.receive, 0.9).toFixed(2)} ms, p99 ${p99(p).toFixed(2)} ms, max ${quantile(p.receive, 1).toFixed(1)} ms over ${p.receive.length} received, ${p.lost} not within 5 s of the last POST; accept (POST→201) p99 ${quantile(p.accept, 0.99).toFixed(2)} ms`;
  const cpuMetric = (name: string, t: Throughput, sum: number, insertName: string, insertUs: number): Metric => ({
    name: `server CPU per accepted message, ${name}`,
    value: t.cpuPerMessageUs,
    unit: 'µs',
    baseline: { name: `sum of parts (bare POST ${bareUs.toFixed(0)} + verify ${verifyUs.toFixed(0)} + ${insertName} ${insertUs.toFixed(0)})`, value: sum, unit: 'µs' },
    ratio: t.cpuPerMessageUs / sum,
    goal: 'ratio ≤ 1.5',
    pass: t.cpuPerMessageUs <= 1.5 * sum && allAccepted(t),
  });

  const partsMetric = (store: string, parts: Throughput, sum: number, server: string, t: Throughput): Metric => ({
    name: `the parts composed into a server that checks nothing (bench/lib/parts-server.ts: bare Hono, token in a Map, the store's admit), ${store}: CPU per accepted message`,
    value: parts.cpuPerMessageUs,
    unit: 'µs',
    baseline: { name: `sum of parts, ${store} (as in ${server}); ${server} is ${(t.cpuPerMessageUs / parts.cpuPerMessageUs).toFixed(2)} × this`, value: sum, unit: 'µs' },
    ratio: parts.cpuPerMessageUs / sum,
    goal: 'none: the floor under the goal of 1.5 × the sum',
    pass: allAccepted(parts),
  });

  report({
    bench: 'cluster',
    title: 'Scaling out: 1 instance on SQLite, 1 and 2 instances on PostgreSQL + Redis',
    metrics: [
      {
        name: '(a) 1 instance, SQLite: accepted messages/s',
        value: tA.rate,
        unit: '/s',
        baseline: { name: 'bare Hono JSON POST', value: bareRun.rate, unit: '/s' },
        ratio: tA.rate / bareRun.rate,
        goal: 'none: the reference',
        pass: allAccepted(tA),
      },
      {
        name: '(b) 1 instance, PostgreSQL + Redis: accepted messages/s',
        value: tB.rate,
        unit: '/s',
        baseline: { name: '(a) SQLite', value: tA.rate, unit: '/s' },
        ratio: tB.rate / tA.rate,
        goal: 'none: the reference for (c)',
        pass: allAccepted(tB),
      },
      {
        name: '(c) 2 instances, PostgreSQL + Redis, cross-instance: accepted messages/s',
        value: tC.rate,
        unit: '/s',
        baseline: { name: '(b) 1 instance', value: tB.rate, unit: '/s' },
        ratio: tC.rate / tB.rate,
        goal: 'ratio ≥ 0.9',
        pass: tC.rate >= 0.9 * tB.rate && allAccepted(tC),
      },
      {
        name: `(a) send→receive p99 at ${RATE} msgs/s, SQLite`,
        value: p99(pA),
        unit: 'ms',
        baseline: { name: 'p50', value: quantile(pA.receive, 0.5), unit: 'ms' },
        goal: 'none: the reference',
        pass: probeOk(pA),
      },
      {
        name: `(b) send→receive p99 at ${RATE} msgs/s, 1 instance, PostgreSQL + Redis`,
        value: p99(pB),
        unit: 'ms',
        baseline: { name: 'p50', value: quantile(pB.receive, 0.5), unit: 'ms' },
        goal: 'none: the reference for (c)',
        pass: probeOk(pB),
      },
      {
        name: `(c) cross-instance send→receive p99 at ${RATE} msgs/s`,
        value: p99(pC),
        unit: 'ms',
        baseline: { name: '(b) same instance', value: p99(pB), unit: 'ms' },
        ratio: p99(pC) / p99(pB),
        goal: 'p99 < 20 ms',
        pass: p99(pC) < 20 && probeOk(pC),
      },
      cpuMetric('(a) SQLite, no stream open', cA, sumSqlite, `SQLite insert in a ${BATCH}-row group commit`, sqliteInsertUs),
      cpuMetric('(b) PostgreSQL + Redis, no stream open', cB, sumPg, `PostgreSQL insert in a ${BATCH}-row group commit (client side)`, pgInsertUs),
      partsMetric('SQLite', cP, sumSqlite, '(a)', cA),
      partsMetric('PostgreSQL', cPg, sumPg, '(b)', cB),
      {
        name: 'server CPU per accepted message with recipients\' streams open: (a) / (b) / (c, both processes)',
        value: tC.cpuPerMessageUs,
        unit: 'µs',
        baseline: { name: `(b) 1 instance ${tB.cpuPerMessageUs.toFixed(0)} µs; (a) SQLite ${tA.cpuPerMessageUs.toFixed(0)} µs`, value: tB.cpuPerMessageUs, unit: 'µs' },
        ratio: tC.cpuPerMessageUs / tB.cpuPerMessageUs,
        goal: 'none: what a second instance costs per message',
        pass: allAccepted(tC),
      },
    ],
    notes: [
      `started ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC; load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} at the start, ${loadAtEnd.map((l) => l.toFixed(2)).join(' ')} at the end${loadAtStart[0] > 2 ? ': more runnable tasks than the 2 vCPUs at the start, so every figure is lower, and every tail longer, than on an idle machine' : ''}`,
      `message path alone (no stream open, for CPU per message): (a) ${cA.rate.toFixed(0)}/s ${JSON.stringify(cA.statuses)}, (b) ${cB.rate.toFixed(0)}/s ${JSON.stringify(cB.statuses)}; the parts composed ${cP.rate.toFixed(0)}/s ${JSON.stringify(cP.statuses)} (SQLite), ${cPg.rate.toFixed(0)}/s ${JSON.stringify(cPg.statuses)} (PostgreSQL)`,
      `throughput: ${CONCURRENCY} in flight (32 per instance in (c)), ${THROUGHPUT_MS / 1000} s or ${ENVELOPES} envelopes whichever ends first, 2 pairs of users each holding one stream; (a) ${JSON.stringify(tA.statuses)}, (b) ${JSON.stringify(tB.statuses)}, (c) ${JSON.stringify(tC.statuses)}; errors ${tA.errors}/${tB.errors}/${tC.errors}`,
      `(c): pair 0 streams on B and posts to A, pair 1 the other way round: every message accepted by one instance and pushed by the other through Redis pub/sub`,
      probeNote('(a)', pA),
      probeNote('(b)', pB),
      probeNote('(c) posted to A, received on B', pC),
      `CPU per message from /proc/PID/stat (utime+stime, all threads, 10 ms ticks) over each throughput run, warm-up requests included (the no-stream runs for the goal; with streams open it includes pushing each message to the streams of its sender and recipient); bare Hono ${bareRun.rate.toFixed(0)}/s over the same load generator`,
      `parts measured in this process: verify = crypto.verify RSA-PSS-2048/SHA-256 of an envelope's signed text (key parsed once, as the server keeps it); SQLite insert = ${BATCH} rows in BEGIN IMMEDIATE…COMMIT + one WAL fdatasync, per row; PostgreSQL insert = postgres.js advisory lock + unnest INSERT of ${BATCH} rows, per row, client CPU only`,
      'PostgreSQL is test/helpers/postgres.ts\'s: fsync=off, synchronous_commit=off (its commits never wait for the disk; SQLite\'s do); Redis without persistence; all on loopback, on the same 2 cores as the servers and the load generator',
      `group commit, wall time of one ${BATCH}-row transaction from one client: SQLite ${txWallMs.sqlite.toFixed(2)} ms (WAL fdatasync included), PostgreSQL ${txWallMs.postgres.toFixed(2)} ms (begin, advisory lock + INSERT pipelined, commit; fsync off). PostgreSQL holds the message lock for about that long, so about ${(1000 / txWallMs.postgres).toFixed(0)} message transactions/s fit, cluster-wide`,
      `fan-out: reading one message event off Redis costs each instance ${fanOut.us.toFixed(1)} µs of JSON.parse (${fanOut.bytes} bytes), whether or not it holds a stream for it`,
      `/healthz at the end: A ${health[0]}, B ${health[1]}`,
      ...cP.samples,
      ...cPg.samples,
      ...tA.samples,
      ...tB.samples,
      ...tC.samples,
    ],
  });
} finally {
  await closeStreams().catch(() => {});
  await Promise.all(running.map((s) => s.stop()));
  await bare.stop();
  await Promise.all([pg.stop(), redis.stop()]);
}
