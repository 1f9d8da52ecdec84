// OCSP (protocol §1, RFC 6960), two loads, each against its own baseline in the same run:
// - requests without a nonce, in the GET form, as browsers and TLS stacks send them (RFC 5019): our
//   server answers them with pre-produced responses (src/pki/ocsp-prepared.ts), no signing, so the
//   baseline is a bare Hono GET handler answering fixed bytes (bench/lib/bare-hono.ts), goal ≥ 0.5;
// - requests with a nonce, which need a signature each: against `openssl ocsp -multi 2` (two
//   responder processes, one per core) serving the same records (an index.txt written from them)
//   and signing with the same delegated P-256 responder key and certificate as ours.
// The bare P-256 signature rate is printed too, the ceiling of one thread signing every answer.
import { createServer } from 'node:net';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { execFileSync } from 'node:child_process';
import { Agent } from 'node:http';
import { createPrivateKey, sign } from 'node:crypto';
import { responderFiles } from '../src/pki/ocsp-signer.ts';
import { ROOT, tempDir } from '../test/helpers/server.ts';
import { benchServer } from './lib/server.ts';
import { startChild } from './lib/process.ts';
import { runLoad, send, type LoadResult, type Req } from './lib/load.ts';
import { enrollMany } from './lib/users.ts';
import { report, sleep, type Metric } from './lib/stats.ts';

const USERS = 16;
// Each pair is measured in alternating rounds and summed: on a machine shared with other work the
// load moves within seconds, and two back-to-back 5 s runs once gave ratios of 0.61 and 0.32.
const ROUNDS = 3;
const SECONDS = 2;
const WARMUP = 200;
const CONCURRENCY = 16;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** openssl's CA database: one line per certificate, V(alid) or R(evoked), dates as UTCTime. */
function opensslIndex(dbFile: string): string {
  const db = new DatabaseSync(dbFile, { readOnly: true });
  const utc = (iso: string) => iso.replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d).*$/, '$1$2$3$4$5$6Z');
  const rows = db.prepare(`SELECT serial, login, not_after, revoked_at, revocation_reason FROM certificates WHERE state = 'issued'`).all() as {
    serial: string;
    login: string;
    not_after: string;
    revoked_at: string | null;
    revocation_reason: string | null;
  }[];
  db.close();
  return rows
    .map((r) => [r.revoked_at ? 'R' : 'V', utc(r.not_after), r.revoked_at ? `${utc(r.revoked_at)},${r.revocation_reason}` : '', r.serial.toUpperCase(), 'unknown', `/UID=${r.login}/O=TEKUP_chat`].join('\t'))
    .join('\n') + '\n';
}

/**
 * The bare signature rate of what our responder signs with: ECDSA P-256 with SHA-256 by the
 * delegated responder key, node:crypto's synchronous one-shot sign with DER output, on one thread
 * (the responder signs on its event loop, one response at a time).
 */
function bareSignRate(keyFile: string, ms: number): number {
  const key = createPrivateKey(readFileSync(keyFile, 'utf8'));
  const tbs = crypto.getRandomValues(new Uint8Array(400)); // about a ResponseData's size
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++) sign('sha256', tbs, { key, dsaEncoding: 'der' });
    done += 100;
  }
  return (done / (performance.now() - start)) * 1000;
}

/** CPU time a process has used so far, all its threads (/proc/PID/stat utime + stime, in clock ticks of 10 ms). */
function cpuTimeMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Rounds of one load as one: their answers over their summed measured time. */
function sum(rounds: LoadResult[]): LoadResult {
  const statuses: Record<string, number> = {};
  for (const r of rounds) for (const [k, n] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
  const elapsedMs = rounds.reduce((t, r) => t + r.elapsedMs, 0);
  return {
    completed: rounds.reduce((t, r) => t + r.completed, 0),
    errors: rounds.reduce((t, r) => t + r.errors, 0),
    statuses,
    latencies: rounds.flatMap((r) => r.latencies),
    elapsedMs,
    rate: rounds.reduce((t, r) => t + (r.rate * r.elapsedMs) / 1000, 0) / (elapsedMs / 1000),
    samples: rounds.flatMap((r) => r.samples).slice(0, 3),
  };
}

/** Pre-produced responses the server keeps (its refresher signs them within a second or so of issue). */
function preparedCount(dbFile: string): number {
  const db = new DatabaseSync(dbFile, { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    return Number((db.prepare('SELECT count(*) AS n FROM ocsp_responses').get() as { n: number }).n);
  } finally {
    db.close();
  }
}

/**
 * `openssl ocsp -multi` notes SIGTERM but acts on it only once one of its responder processes
 * ends (its wait for them is restarted after the signal), so those get the signal too.
 */
async function stopMulti(child: Awaited<ReturnType<typeof startChild>>): Promise<void> {
  const pid = child.proc.pid;
  if (pid === undefined || child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  let kids: number[] = [];
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    /* gone already */
  }
  const exited = once(child.proc, 'exit');
  child.proc.kill('SIGTERM');
  for (const kid of kids) {
    try {
      process.kill(kid, 'SIGTERM');
    } catch {
      /* gone already */
    }
  }
  const late = setTimeout(() => child.proc.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(late);
}

const server = await benchServer();
const bare = await startChild(process.execPath, ['bench/lib/bare-hono.ts'], /listening on http:\/\/127\.0\.0\.1:(\d+)/, { cwd: ROOT });
const dir = tempDir('tekup-ocsp-bench-');
let openssl: Awaited<ReturnType<typeof startChild>> | undefined;
try {
  const users = await enrollMany(server.url, USERS, 'ocsp');
  const ca = join(server.dataDir, 'ca');
  const inter = join(ca, 'intermediate.pem');
  const responder = responderFiles(ca);
  const chain = join(dir, 'chain.pem');
  writeFileSync(chain, await (await fetch(`${server.url}/ca/chain.pem`)).text());
  writeFileSync(join(dir, 'index.txt'), opensslIndex(join(server.dataDir, 'tekup.db')));
  writeFileSync(join(dir, 'index.txt.attr'), 'unique_subject = no\n');

  const requestFile = (serial: string, nonce: boolean) => {
    const file = join(dir, `req-${nonce ? 'n' : 'p'}-${serial}.der`);
    execFileSync('openssl', ['ocsp', '-issuer', inter, '-serial', `0x${serial}`, nonce ? '-nonce' : '-no_nonce', '-reqout', file], { stdio: 'ignore' });
    return new Uint8Array(readFileSync(file));
  };
  // RFC 6960 Appendix A.1: the URL-encoded base64 of the DER request in the path.
  const plain: Req[] = users.map((u) => ({ method: 'GET', path: `/ocsp/${encodeURIComponent(Buffer.from(requestFile(u.serial, false)).toString('base64'))}` }));
  const nonced: Req[] = users.map((u) => ({ method: 'POST', path: '/ocsp', headers: { 'content-type': 'application/ocsp-request' }, body: requestFile(u.serial, true) }));

  const dbFile = join(server.dataDir, 'tekup.db');
  for (let i = 0; i < 200 && preparedCount(dbFile) < USERS; i++) await sleep(50);
  const producedAhead = preparedCount(dbFile);

  const port = await freePort();
  openssl = await startChild(
    'openssl',
    ['ocsp', '-index', join(dir, 'index.txt'), '-CA', chain, '-rsigner', responder.cert, '-rkey', responder.key, '-port', String(port), '-ndays', '1', '-multi', '2'],
    port,
  );
  const opensslUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await send(new URL(opensslUrl), new Agent(), nonced[0]);
      break;
    } catch {
      await sleep(50);
    }
  }

  // Both answer "good" for the same question: the comparison is between equals.
  const answerTo = async (url: string, r: Req) => {
    const res = await send(new URL(url), new Agent(), r);
    const file = join(dir, `resp-${Math.random()}.der`);
    writeFileSync(file, res.body);
    const text = execFileSync('openssl', ['ocsp', '-respin', file, '-resp_text', '-noverify'], { encoding: 'utf8' });
    return { body: res.body, status: /Cert Status: (\w+)/.exec(text)?.[1] };
  };
  const before = await answerTo(server.url, plain[1]);
  const sanity = `our responder says ${(await answerTo(server.url, nonced[1])).status} (with nonce) and ${before.status} (without), openssl says ${(await answerTo(opensslUrl, nonced[1])).status} for the same certificate`;
  const signRate = bareSignRate(responder.key, 2_000);

  const load = (url: string, requests: Req[]) =>
    runLoad({ kind: 'closed', url, requests, cycle: true, concurrency: CONCURRENCY, warmup: WARMUP, durationMs: SECONDS * 1000 });
  /** Two loads in alternating rounds, each summed over its rounds (answers over time measured). */
  const alternate = async (a: () => Promise<LoadResult>, b: () => Promise<LoadResult>): Promise<[LoadResult, LoadResult]> => {
    const as: LoadResult[] = [];
    const bs: LoadResult[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      as.push(await a());
      bs.push(await b());
    }
    return [sum(as), sum(bs)];
  };
  // The servers' own CPU time per answer (all threads, from /proc), steadier than rates when the
  // machine is shared: what the pre-produced path costs beyond a handler that does nothing.
  const cpuMs = { bare: 0, ours: 0 };
  const timed = async (who: keyof typeof cpuMs, pid: number, run: () => Promise<LoadResult>) => {
    const before = cpuTimeMs(pid);
    const r = await run();
    cpuMs[who] += cpuTimeMs(pid) - before;
    return r;
  };
  const [bareGet, oursPlain] = await alternate(
    () => timed('bare', bare.proc.pid!, () => load(`http://127.0.0.1:${bare.port}`, plain)),
    () => timed('ours', server.proc.pid!, () => load(server.url, plain)),
  );
  // Answers made while the CPU was counted: the window's, warm-up ones and those after it included.
  const perAnswer = (ms: number, r: LoadResult) => (ms * 1000) / (r.completed + ROUNDS * WARMUP);
  const [oursNonce, theirsNonce] = await alternate(
    () => load(server.url, nonced),
    () => load(opensslUrl, nonced),
  );
  // The same bytes after the load as before it: every nonce-less answer was the pre-produced one.
  const unchanged = (await answerTo(server.url, plain[1])).body.equals(before.body);

  const ok = (r: typeof oursPlain) => r.errors === 0 && (r.statuses['200'] ?? 0) === r.completed;
  const metrics: Metric[] = [
    {
      name: 'responses/s, GET without nonce, pre-produced (RFC 5019)',
      value: oursPlain.rate,
      unit: '/s',
      baseline: { name: 'bare Hono GET', value: bareGet.rate, unit: '/s' },
      ratio: oursPlain.rate / bareGet.rate,
      goal: 'ratio ≥ 0.5',
      pass: oursPlain.rate >= 0.5 * bareGet.rate && ok(oursPlain) && unchanged,
    },
    {
      name: 'responses/s, POST with nonce, signed for each',
      value: oursNonce.rate,
      unit: '/s',
      baseline: { name: 'openssl ocsp -multi 2, same P-256 responder key', value: theirsNonce.rate, unit: '/s' },
      ratio: oursNonce.rate / theirsNonce.rate,
      goal: 'none: one event loop against two openssl processes',
      pass: ok(oursNonce),
    },
    {
      name: 'responses/s with nonce against the bare signature rate',
      value: oursNonce.rate,
      unit: '/s',
      baseline: { name: 'bare P-256 sign (node:crypto, one thread)', value: signRate, unit: '/s' },
      ratio: oursNonce.rate / signRate,
      goal: 'none: the ceiling when every response is signed afresh',
      pass: ok(oursNonce),
    },
  ];
  report({
    bench: 'ocsp',
    title: 'OCSP: pre-produced answers against a bare Hono GET, signed answers against openssl ocsp -multi 2',
    metrics,
    notes: [
      sanity,
      `${producedAhead} of ${USERS} responses produced ahead before the first question; the nonce-less answer was ${unchanged ? 'the same bytes' : 'DIFFERENT bytes'} after the load as before it (${before.body.length} bytes)`,
      `server CPU per nonce-less GET answer: ours ${perAnswer(cpuMs.ours, oursPlain).toFixed(0)} µs, bare Hono ${perAnswer(cpuMs.bare, bareGet).toFixed(0)} µs (all threads, /proc; the machine's load inflates both alike)`,
      `${CONCURRENCY} requests in flight, ${ROUNDS} alternating rounds of ${SECONDS} s per pair, ${USERS} certificates asked about in turn; openssl ocsp answers one request per connection`,
      `ours: ${JSON.stringify(oursPlain.statuses)} / ${JSON.stringify(oursNonce.statuses)}, bare GET: ${JSON.stringify(bareGet.statuses)}, openssl: ${JSON.stringify(theirsNonce.statuses)} errors ${theirsNonce.errors}`,
      ...oursPlain.samples,
      ...oursNonce.samples,
      ...theirsNonce.samples,
    ],
  });
} finally {
  if (openssl) await stopMulti(openssl);
  await bare.stop();
  await server.stop();
}
