// OCSP (protocol §1, RFC 6960): responses per second from our responder, against `openssl ocsp`
// serving the same CA files (an index.txt written from our records, signing with the intermediate)
// under the same request load, and against the bare rate of the signature our responder makes.
// Two loads: requests without a nonce, as browsers and TLS stacks send them (RFC 5019: a response
// signed moments ago for the same question may be reused), and requests with a nonce, as the
// openssl CLI sends by default, which need a fresh signature every time.
// Our responses are signed by a delegated P-256 responder certificate (src/pki/ocsp-signer.ts); to
// show how much of the gain is the key alone, openssl ocsp is also given that same key and
// certificate (an informative figure, no goal).
import { createServer } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { execFileSync } from 'node:child_process';
import { Agent } from 'node:http';
import { createPrivateKey, sign } from 'node:crypto';
import { responderFiles } from '../src/pki/ocsp-signer.ts';
import { tempDir } from '../test/helpers/server.ts';
import { benchServer } from './lib/server.ts';
import { startChild } from './lib/process.ts';
import { runLoad, send, type Req } from './lib/load.ts';
import { enrollMany } from './lib/users.ts';
import { report, sleep, type Metric } from './lib/stats.ts';

const USERS = 16;
const SECONDS = 5;
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

const server = await benchServer();
const dir = tempDir('tekup-ocsp-bench-');
let openssl: Awaited<ReturnType<typeof startChild>> | undefined;
let opensslEc: Awaited<ReturnType<typeof startChild>> | undefined;
try {
  const users = await enrollMany(server.url, USERS, 'ocsp');
  const ca = join(server.dataDir, 'ca');
  const inter = join(ca, 'intermediate.pem');
  const responder = responderFiles(ca);
  const chain = join(dir, 'chain.pem');
  writeFileSync(chain, await (await fetch(`${server.url}/ca/chain.pem`)).text());
  writeFileSync(join(dir, 'index.txt'), opensslIndex(join(server.dataDir, 'tekup.db')));
  writeFileSync(join(dir, 'index.txt.attr'), 'unique_subject = no\n');

  const makeRequests = (nonce: boolean): Req[] =>
    users.map((u, i) => {
      const file = join(dir, `req-${nonce ? 'n' : 'p'}${i}.der`);
      execFileSync('openssl', ['ocsp', '-issuer', inter, '-serial', `0x${u.serial}`, nonce ? '-nonce' : '-no_nonce', '-reqout', file], { stdio: 'ignore' });
      return { method: 'POST', path: '/ocsp', headers: { 'content-type': 'application/ocsp-request' }, body: new Uint8Array(readFileSync(file)) };
    });
  const plain = makeRequests(false);
  const nonced = makeRequests(true);

  // openssl ocsp as its manual shows it: the CA's own key signs (the baseline of the goal), and
  // then given our delegated responder key and certificate instead (informative).
  const startOpenssl = async (signer: string, key: string) => {
    const port = await freePort();
    const child = await startChild(
      'openssl',
      ['ocsp', '-index', join(dir, 'index.txt'), '-CA', chain, '-rsigner', signer, '-rkey', key, '-port', String(port), '-ndays', '1'],
      port,
    );
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      try {
        await send(new URL(url), new Agent(), plain[0]);
        break;
      } catch {
        await sleep(50);
      }
    }
    return { child, url };
  };
  const started = await startOpenssl(inter, join(ca, 'intermediate.key'));
  openssl = started.child;
  const opensslUrl = started.url;

  // Both answer "good" for the same question: the comparison is between equals.
  const statusOf = async (url: string) => {
    const res = await send(new URL(url), new Agent(), nonced[1]);
    const file = join(dir, `resp-${Math.random()}.der`);
    writeFileSync(file, res.body);
    const text = execFileSync('openssl', ['ocsp', '-respin', file, '-resp_text', '-noverify'], { encoding: 'utf8' });
    return /Cert Status: (\w+)/.exec(text)?.[1];
  };
  const sanity = `our responder says ${await statusOf(`${server.url}`)}, openssl says ${await statusOf(opensslUrl)} for the same certificate`;
  const bare = bareSignRate(responder.key, SECONDS * 1000);

  const load = (url: string, requests: Req[]) =>
    runLoad({ kind: 'closed', url, requests, cycle: true, concurrency: CONCURRENCY, warmup: 200, durationMs: SECONDS * 1000 });
  const oursPlain = await load(server.url, plain);
  const theirsPlain = await load(opensslUrl, plain);
  const oursNonce = await load(server.url, nonced);
  const theirsNonce = await load(opensslUrl, nonced);
  await openssl.stop();
  openssl = undefined;
  const startedEc = await startOpenssl(responder.cert, responder.key);
  opensslEc = startedEc.child;
  const ecSanity = `openssl with our responder key says ${await statusOf(startedEc.url)}`;
  const theirsNonceEc = await load(startedEc.url, nonced);

  const ok = (r: typeof oursPlain) => r.errors === 0 && (r.statuses['200'] ?? 0) === r.completed;
  const againstOpenssl = (name: string, ours: typeof oursPlain, theirs: typeof oursPlain): Metric => ({
    name,
    value: ours.rate,
    unit: '/s',
    baseline: { name: 'openssl ocsp', value: theirs.rate, unit: '/s' },
    ratio: ours.rate / theirs.rate,
    goal: '≥ 5× openssl',
    pass: ours.rate >= 5 * theirs.rate && ok(ours),
  });
  const metrics: Metric[] = [
    againstOpenssl('responses/s, requests without nonce (RFC 5019)', oursPlain, theirsPlain),
    againstOpenssl('responses/s, requests with nonce', oursNonce, theirsNonce),
    {
      name: 'responses/s with nonce against openssl ocsp signing with our P-256 responder key',
      value: oursNonce.rate,
      unit: '/s',
      baseline: { name: 'openssl ocsp, P-256 responder', value: theirsNonceEc.rate, unit: '/s' },
      ratio: oursNonce.rate / theirsNonceEc.rate,
      goal: 'none: how much of the gain is the key alone',
      pass: ok(oursNonce),
    },
    {
      name: 'responses/s with nonce against the bare signature rate',
      value: oursNonce.rate,
      unit: '/s',
      baseline: { name: 'bare P-256 sign (node:crypto, one thread)', value: bare, unit: '/s' },
      ratio: oursNonce.rate / bare,
      goal: 'none: the ceiling when every response is signed afresh',
      pass: ok(oursNonce),
    },
  ];
  report({
    bench: 'ocsp',
    title: 'OCSP: responses/s against openssl ocsp and the bare signature rate',
    metrics,
    notes: [
      sanity,
      ecSanity,
      `${CONCURRENCY} requests in flight, ${SECONDS} s each, ${USERS} certificates asked about in turn; openssl ocsp is one process (its default), answering one request per connection`,
      `ours: ${JSON.stringify(oursPlain.statuses)} / ${JSON.stringify(oursNonce.statuses)}, openssl: ${JSON.stringify(theirsPlain.statuses)} errors ${theirsPlain.errors} / ${JSON.stringify(theirsNonce.statuses)} errors ${theirsNonce.errors}, openssl with the P-256 key: ${JSON.stringify(theirsNonceEc.statuses)} errors ${theirsNonceEc.errors}`,
      ...oursNonce.samples,
      ...theirsNonce.samples,
    ],
  });
} finally {
  await openssl?.stop();
  await opensslEc?.stop();
  await server.stop();
}
