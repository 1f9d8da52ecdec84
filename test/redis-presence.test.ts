// Presence across instances: the OnlineRegistry port of Presence (src/chat/online.ts,
// src/chat/presence.ts) on Redis (src/store/redis/online.ts), against a real Redis, with each
// instance's Hub on the Redis event relay as the server wires them. A user is online while any
// instance holds a stream of theirs; "online" and "offline" reach every stream once, on the first
// stream anywhere and the last; an instance that dies takes its users offline within its ttl.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Hub, type HubEvent } from '../src/chat/hub.ts';
import { Presence } from '../src/chat/presence.ts';
import { RedisEventRelay } from '../src/store/redis/event-relay.ts';
import { RedisOnlineRegistry } from '../src/store/redis/online.ts';
import type { RedisConnection } from '../src/store/redis/connect.ts';
import { FakeLastSeen } from './fakes/last-seen.ts';
import { redisInstances, until, type RedisInstances } from './helpers/redis-instances.ts';
import { sleep } from './helpers/daemon.ts';

let redis: RedisInstances;
const registries: RedisOnlineRegistry[] = [];
before(async () => {
  redis = await redisInstances();
});
after(async () => {
  for (const r of registries) await r.close();
  await redis.stop();
});

/** Short enough for a test; the server's default is 15 s. */
const TTL_MS = 600;
const HEARTBEAT_MS = 100;

async function registry(conn: RedisConnection, errors: unknown[] = [], heartbeatMs = HEARTBEAT_MS): Promise<RedisOnlineRegistry> {
  const r = await RedisOnlineRegistry.open(conn, { ttlMs: TTL_MS, heartbeatMs, reannounceMs: 500, onError: (e) => errors.push(e) });
  registries.push(r);
  return r;
}

interface Instance {
  conn: RedisConnection;
  registry: RedisOnlineRegistry;
  presence: Presence;
  /** The presence events a watcher's stream on this instance received. */
  heard: { login: string; online: boolean }[];
  errors: unknown[];
}

/** An instance as core.ts wires one: registry → Presence → Hub (on the relay) → a watcher's stream. */
/**
 * Instances of one test share a key prefix of their own: every registry sweeps the dead of its
 * prefix, and one left from another test (with no Presence to announce) must not sweep these.
 */
function cluster(): { instance: (heartbeatMs?: number) => Promise<Instance>; registry: () => Promise<RedisOnlineRegistry> } {
  const prefix = `t${crypto.randomUUID()}:`;
  return {
    instance: (heartbeatMs) => instance(prefix, heartbeatMs),
    registry: async () => registry(await redis.instance({ prefix })),
  };
}

async function instance(prefix: string, heartbeatMs = HEARTBEAT_MS): Promise<Instance> {
  const errors: unknown[] = [];
  const conn = await redis.instance({ prefix });
  const reg = await registry(conn, errors, heartbeatMs);
  const hub = new Hub(await RedisEventRelay.open(conn, { onError: (e) => errors.push(e) }));
  const presence = new Presence(new FakeLastSeen(), () => new Date(), (e) => errors.push(e), reg);
  presence.onChange((login, online) => hub.presence(login, online));
  const heard: Instance['heard'] = [];
  hub.subscribe(`watcher-${crypto.randomUUID()}`, (e: HubEvent) => {
    if (e.type === 'presence') heard.push({ login: e.login, online: e.online });
  });
  return { conn, registry: reg, presence, heard, errors };
}

const about = (i: Instance, login: string) => i.heard.filter((h) => h.login === login);

describe('the Redis online registry', () => {
  it('says first and last across instances, and who is online', async () => {
    const c = cluster();
    const a = await c.registry();
    const b = await c.registry();
    assert.equal(await a.connect('alice'), true);
    assert.equal(await b.connect('alice'), false, 'already online through A');
    assert.equal(await a.connect('alice'), false);
    assert.equal(await b.isOnline('alice'), true);
    assert.ok((await b.onlineAll()).has('alice'));
    assert.equal(await a.disconnect('alice'), false);
    assert.equal(await a.disconnect('alice'), false, 'B still holds one');
    assert.equal(await a.isOnline('alice'), true);
    assert.equal(await b.disconnect('alice'), true);
    assert.equal(await a.isOnline('alice'), false);
    assert.equal((await a.onlineAll()).has('alice'), false);
  });

  it('two instances connecting the same user at once: exactly one sees the first stream', async () => {
    const c = cluster();
    const a = await c.registry();
    const b = await c.registry();
    for (let i = 0; i < 20; i++) {
      const firsts = await Promise.all([a.connect('race'), b.connect('race')]);
      assert.equal(firsts.filter(Boolean).length, 1);
      const lasts = await Promise.all([a.disconnect('race'), b.disconnect('race')]);
      assert.equal(lasts.filter(Boolean).length, 1);
    }
  });
});

describe('presence shared by instances', () => {
  it('online via A is seen on B; announced once on every instance, on the first stream and the last', async () => {
    const c = cluster();
    const a = await c.instance();
    const b = await c.instance();
    a.presence.connect('alice');
    await until(() => about(a, 'alice').length === 1 && about(b, 'alice').length === 1, 'online heard on A and B');
    assert.equal(await b.presence.online('alice'), true);
    assert.ok((await b.presence.onlineAll()).has('alice'));
    assert.equal(b.presence.isOnline('alice'), false, 'isOnline is this instance’s streams only');

    b.presence.connect('alice'); // a second device, on B
    a.presence.disconnect('alice');
    await sleep(300);
    assert.equal(await a.presence.online('alice'), true, 'B holds a stream');
    b.presence.disconnect('alice');
    await until(() => about(a, 'alice').length === 2 && about(b, 'alice').length === 2, 'offline heard on A and B');
    await sleep(200);
    for (const i of [a, b]) assert.deepEqual(about(i, 'alice'), [{ login: 'alice', online: true }, { login: 'alice', online: false }]);
    assert.equal(await b.presence.online('alice'), false);
    assert.deepEqual([...a.errors, ...b.errors], []);
  });

  it('an instance that dies takes its users offline for the others within its ttl, announced once', async () => {
    const cl = cluster();
    const a = await cl.instance();
    const b = await cl.instance();
    const c = await cl.instance();
    a.presence.connect('bob');
    c.presence.connect('carol');
    await until(async () => (await b.presence.online('bob')) && (await b.presence.online('carol')), 'bob and carol online');
    // A's process is gone: no more heartbeat, no goodbye.
    const died = Date.now();
    await a.conn.close();
    await until(async () => !(await b.presence.online('bob')), 'bob offline on B', 10_000);
    const took = Date.now() - died;
    assert.ok(took <= TTL_MS + 4 * HEARTBEAT_MS + 500, `${took} ms`);
    await until(() => about(b, 'bob').length === 2 && about(c, 'bob').length === 2, 'offline heard on B and C');
    await sleep(300);
    for (const i of [b, c]) assert.deepEqual(about(i, 'bob').at(-1), { login: 'bob', online: false });
    for (const i of [b, c]) assert.equal(about(i, 'bob').length, 2, 'once: the sweep of one instance');
    assert.equal(await b.presence.online('carol'), true, 'C lives');
  });

  it('an instance closed on purpose takes its users offline at once', async () => {
    const c = cluster();
    const a = await c.instance();
    const b = await c.instance();
    a.presence.connect('dave');
    await until(async () => b.presence.online('dave'), 'dave online');
    await a.registry.close();
    assert.equal(await b.presence.online('dave'), false);
    await until(() => about(b, 'dave').length === 2, 'offline heard on B');
  });

  it('an instance wrongly swept as dead (it stalled past its ttl) puts its users back', async () => {
    // A's heartbeat comes after its ttl: B sweeps it as dead first, then A notices and resyncs.
    const c = cluster();
    const a = await c.instance(TTL_MS * 3);
    const b = await c.instance();
    a.presence.connect('erin');
    const heard = () => about(b, 'erin').map((h) => h.online);
    await until(() => heard().length >= 3, 'online, swept offline, back online', 10_000);
    assert.deepEqual(heard().slice(0, 3), [true, false, true]);
    assert.equal(await b.presence.online('erin'), true);
  });

  it('with Redis gone, each instance answers for its own streams without throwing, and all agree once it is back', async () => {
    const c = cluster();
    const a = await c.instance();
    const b = await c.instance();
    b.presence.connect('frank');
    await until(async () => a.presence.online('frank'), 'frank online');
    await redis.server.halt();
    await until(() => !a.conn.up && !b.conn.up, 'both see Redis gone');

    a.presence.connect('grace');
    await until(() => about(a, 'grace').length === 1, 'A announces grace to its own streams');
    assert.equal(await a.presence.online('grace'), true);
    assert.equal(await b.presence.online('grace'), false, 'B cannot know');
    assert.equal(await b.presence.online('frank'), true, 'B knows its own');
    b.presence.disconnect('frank');
    await until(() => about(b, 'frank').at(-1)?.online === false, 'B announces frank offline to its own streams');

    // Redis comes back empty: each instance writes its streams back, and announces again what it
    // decided alone, so the other's streams catch up.
    await redis.server.start();
    await until(() => a.conn.up && b.conn.up, 'both back', 15_000);
    await until(async () => b.presence.online('grace'), 'grace online for B');
    await until(() => about(b, 'grace').at(-1)?.online === true, 'B’s streams hear grace online');
    await until(() => about(a, 'frank').at(-1)?.online === false, 'A’s streams hear frank offline');
    assert.equal(await a.presence.online('frank'), false);
    a.presence.disconnect('grace');
    await until(async () => !(await b.presence.online('grace')), 'and grace offline afterwards');
    assert.deepEqual([...a.errors, ...b.errors], []);
  });
});
