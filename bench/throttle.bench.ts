// Login throttling: a guesser gets at most 10 password checks per minute per login, whatever the
// source address. The guesser spreads its guesses over 20 loopback addresses (127.0.0.2–21), so
// the per-address limit (120/min) never stops it: only the per-login limit can. Baseline: the
// configured limit. The server runs with its default limits.
import { runLoad, type Req } from './lib/load.ts';
import { benchServer } from './lib/server.ts';
import { enrollMany, logIn } from './lib/users.ts';
import { report } from './lib/stats.ts';

const LIMIT = 10;
const ADDRESSES = 20;
const GUESSES_PER_ADDRESS = 15;

const server = await benchServer({ TEKUP_LOGIN_PER_MINUTE: String(LIMIT), TEKUP_ADDRESS_PER_MINUTE: '120' });
try {
  const [victim, bystander] = await enrollMany(server.url, 2, 'thr');
  const guesses: Req[] = [];
  for (let g = 0; g < GUESSES_PER_ADDRESS; g++) {
    for (let a = 0; a < ADDRESSES; a++) {
      guesses.push({
        method: 'POST',
        path: '/api/v1/session',
        localAddress: `127.0.0.${2 + a}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          login: victim.login,
          password: `guess number ${g}-${a} of a patient attacker`,
          certificate: victim.certificate,
          challenge: 'TEKUP_chat login v1 not-a-real-challenge',
          signature: 'AAAA',
        }),
      });
    }
  }
  const started = performance.now();
  const r = await runLoad({ kind: 'closed', url: server.url, requests: guesses, concurrency: ADDRESSES, maxSockets: ADDRESSES });
  const seconds = (performance.now() - started) / 1000;
  const checked = r.completed - (r.statuses['429'] ?? 0);
  // The rightful owner is locked out for the rest of the window too (the price of a per-login
  // limit); another user is not.
  let ownerStatus = 0;
  try {
    await logIn(server.url, victim);
    ownerStatus = 200;
  } catch (err) {
    ownerStatus = Number(/login (\d+)/.exec((err as Error).message)?.[1] ?? 0);
  }
  let bystanderOk = true;
  try {
    await logIn(server.url, bystander);
  } catch {
    bystanderOk = false;
  }
  report({
    bench: 'throttle',
    title: 'Login throttling: password checks per login per minute, from many addresses',
    metrics: [
      {
        name: 'guesses that reached the password check',
        value: checked,
        unit: 'per minute',
        baseline: { name: 'per-login limit', value: LIMIT, unit: 'per minute' },
        ratio: checked / LIMIT,
        goal: `≤ ${LIMIT} whatever the source address`,
        pass: checked <= LIMIT && r.errors === 0 && (r.statuses['401'] ?? 0) === checked && seconds < 60 && bystanderOk,
      },
    ],
    notes: [
      `${guesses.length} guesses from ${ADDRESSES} addresses in ${seconds.toFixed(1)} s: ${JSON.stringify(r.statuses)}, errors ${r.errors}`,
      `the owner logging in during the same minute gets ${ownerStatus}; another user ${bystanderOk ? 'logs in normally' : 'is refused'}`,
    ],
  });
} finally {
  await server.stop();
}
