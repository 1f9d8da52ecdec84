// Route order decides nothing (issue 18): every route the app serves is answered by exactly one of
// the groups src/http.ts mounts under their prefixes. Each route of each group, made concrete, is
// asked of every other group alone; any answer but 404 means two groups claim one path, and then
// the order they are mounted in would pick the winner.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { loadConfig } from '../src/config.ts';
import { createCore, type Core } from '../src/core.ts';
import { routeGroups } from '../src/http.ts';
import { requireSession } from '../src/web/auth.ts';
import { tempDir } from './helpers/server.ts';

let core: Core;
before(async () => {
  core = await createCore({ config: loadConfig(['--no-tls', '--quiet', '--port', '0', '--data', tempDir()], {}), log: () => {}, server: false });
});
after(() => core.close());

/** A path a route pattern matches: each parameter and wildcard given a plain value. */
const concrete = (prefix: string, path: string) =>
  (prefix === '/' ? '' : prefix) + (path.replace(/:\w+(\{[^}]*\})?/g, 'x0').replace(/\*/g, 'x0') || '/');

type Group = [prefix: string, routes: Hono<any>, early?: true];

/** Every (route, other group) pair where the other group, alone, answers the route's path. */
async function clashes(groups: Group[]): Promise<{ clashes: string[]; asked: number }> {
  const alone = groups.map(([prefix, routes]) => new Hono().route(prefix, routes));
  const found: string[] = [];
  let asked = 0;
  for (const [i, [prefix, routes]] of groups.entries()) {
    for (const r of routes.routes) {
      if (r.method === 'ALL') continue;
      const path = concrete(prefix, r.path);
      for (const [j, other] of alone.entries()) {
        if (i === j) continue;
        const res = await other.request(`http://localhost${path}`, { method: r.method });
        asked++;
        if (res.status !== 404) found.push(`${r.method} ${path} (group ${prefix}) is also answered by group ${groups[j][0]}`);
      }
    }
  }
  return { clashes: found, asked };
}

const served = (): Group[] => routeGroups(core, requireSession(core.sessions, core.sessionUsable), () => {});

it('no two route groups answer the same method and path', async () => {
  const { clashes: found, asked } = await clashes(served());
  assert.deepEqual(found, []);
  assert.ok(asked > 100, `only ${asked} requests made: the walk found too few routes`);
});

it('a group that claims another group\'s path is caught', async () => {
  const intruder = new Hono().get('/ca/root.pem', (c) => c.text('not the CA'));
  const { clashes: found } = await clashes([...served(), ['/', intruder]]);
  assert.ok(found.some((f) => f.startsWith('GET /ca/root.pem (group /ca) is also answered by group /')), found.join('\n'));
});

it('one group is mounted before the layers, and it is the revocation routes the OCSP fast path serves', () => {
  const early = served().filter(([, , isEarly]) => isEarly);
  assert.equal(early.length, 1, 'src/http.ts hands /ocsp to the one early group');
  const paths = early[0][1].routes.map((r) => `${r.method} ${r.path}`);
  assert.ok(paths.some((p) => p.startsWith('GET /ocsp')) && paths.some((p) => p.startsWith('POST /ocsp')), paths.join(', '));
});
