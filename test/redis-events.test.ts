// The live event fan-out between instances: the EventRelay port of the Hub (src/chat/hub.ts) on
// Redis pub/sub (src/store/redis/event-relay.ts), against a real Redis. Two connections are two
// instances; each must deliver every event to its own streams exactly once, the publishing
// instance included, and go on serving its own streams while Redis is away.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Hub, type HubEvent, type RoutedEvent } from '../src/chat/hub.ts';
import type { StoredMessage } from '../src/chat/messages.ts';
import { RedisEventRelay } from '../src/store/redis/event-relay.ts';
import type { RedisConnection } from '../src/store/redis/connect.ts';
import { redisInstances, until, type RedisInstances } from './helpers/redis-instances.ts';
import { sleep } from './helpers/daemon.ts';

let redis: RedisInstances;
before(async () => {
  redis = await redisInstances();
});
after(() => redis.stop());

let seq = 0;
function message(from: string, to: string): StoredMessage {
  seq++;
  return {
    seq,
    receivedAt: new Date().toISOString(),
    envelope: { v: 1, id: crypto.randomUUID(), from, to, sentAt: new Date().toISOString(), cert: '01', iv: 'iv', ct: 'ct', keys: { [from]: 'k', [to]: 'k' }, sig: 's' },
  };
}

/** One instance: its connections, a relay and a hub on it, and what each login's stream received. */
async function instance(): Promise<{ conn: RedisConnection; hub: Hub; got: (login: string) => HubEvent[]; errors: unknown[] }> {
  const errors: unknown[] = [];
  const conn = await redis.instance();
  const hub = new Hub(await RedisEventRelay.open(conn, { onError: (e) => errors.push(e) }));
  const streams = new Map<string, HubEvent[]>();
  const got = (login: string) => {
    const known = streams.get(login);
    if (known) return known;
    const list: HubEvent[] = [];
    streams.set(login, list);
    hub.subscribe(login, (e) => list.push(e));
    return list;
  };
  return { conn, hub, got, errors };
}

/**
 * Waits until `b` has delivered an event published after everything so far on `a`, so that any
 * late (doubled) delivery of what came before has had its chance to arrive: pub/sub keeps order.
 */
async function settle(a: { hub: Hub }, b: { got: (login: string) => HubEvent[] }): Promise<void> {
  const marker = `marker-${crypto.randomUUID()}`;
  const list = b.got(marker);
  a.hub.read(marker, { peer: 'x', upTo: 0, unread: 0, lastSeq: 0 });
  await until(() => list.length > 0, 'the marker');
}

describe('the Redis event relay', () => {
  it("hands what one instance publishes to every other one, never back to the publisher", async () => {
    const a = await redis.instance();
    const b = await redis.instance();
    const c = await redis.instance();
    const [ra, rb, rc] = await Promise.all([a, b, c].map((conn) => RedisEventRelay.open(conn)));
    const seen: Record<string, RoutedEvent[]> = { a: [], b: [], c: [] };
    ra!.onEvent((e) => seen.a!.push(e));
    rb!.onEvent((e) => seen.b!.push(e));
    rc!.onEvent((e) => seen.c!.push(e));
    const e: RoutedEvent = { to: ['bob'], event: { type: 'seen', seen: { reader: 'alice', upTo: 3, id: 'm3' } } };
    ra!.publish(e);
    await until(() => seen.b!.length === 1 && seen.c!.length === 1, 'b and c got it');
    assert.deepEqual(seen.b, [e]);
    assert.deepEqual(seen.c, [e]);
    // Something from b, which a does receive: by then a's own event would have come back too.
    rb!.publish({ to: 'all', event: { type: 'presence', login: 'carol', online: true } });
    await until(() => seen.a!.length === 1, 'a got b’s event');
    assert.equal(seen.a![0]!.to, 'all');
  });
});

describe('two hubs on one Redis', () => {
  it('a message posted on A reaches the recipient’s stream on B once and the sender’s on A once', async () => {
    const a = await instance();
    const b = await instance();
    const bobOnB = b.got('bob');
    const aliceOnA = a.got('alice');
    const bobOnA = a.got('bob'); // bob has a second device on A
    const m = message('alice', 'bob');
    a.hub.message(m);
    // On the publishing instance without waiting for Redis.
    assert.deepEqual(aliceOnA, [{ type: 'message', message: m }]);
    assert.deepEqual(bobOnA, [{ type: 'message', message: m }]);
    await until(() => bobOnB.length > 0, 'bob on B got it');
    await settle(b, a);
    await settle(a, b);
    assert.deepEqual(bobOnB, [{ type: 'message', message: m }]);
    assert.equal(aliceOnA.length, 1);
    assert.equal(bobOnA.length, 1);
    assert.equal(b.got('alice').length, 0, 'alice has no stream on B');
    assert.deepEqual([...a.errors, ...b.errors], []);
  });

  it('presence goes to every stream on every instance; read and seen to their login only', async () => {
    const a = await instance();
    const b = await instance();
    const carolOnB = b.got('carol');
    const daveOnA = a.got('dave');
    const bobOnB = b.got('bob');
    b.hub.presence('erin', true);
    a.hub.read('bob', { peer: 'alice', upTo: 5, unread: 0, lastSeq: 5 });
    a.hub.seen('carol', { reader: 'bob', upTo: 5, id: 'm5' });
    await until(() => daveOnA.length === 1 && carolOnB.length === 2 && bobOnB.length === 2, 'all delivered');
    await settle(a, b);
    await settle(b, a);
    assert.deepEqual(daveOnA, [{ type: 'presence', login: 'erin', online: true }]);
    assert.deepEqual(carolOnB, [
      { type: 'presence', login: 'erin', online: true },
      { type: 'seen', seen: { reader: 'bob', upTo: 5, id: 'm5' } },
    ]);
    assert.deepEqual(bobOnB, [
      { type: 'presence', login: 'erin', online: true },
      { type: 'read', read: { peer: 'alice', upTo: 5, unread: 0, lastSeq: 5 } },
    ]);
  });

  it('keeps events in the order they were published', async () => {
    const a = await instance();
    const b = await instance();
    const bobOnB = b.got('bob');
    const sent = Array.from({ length: 200 }, () => message('alice', 'bob'));
    for (const m of sent) a.hub.message(m);
    await until(() => bobOnB.length === sent.length, 'all 200 on B');
    assert.deepEqual(
      bobOnB.map((e) => (e.type === 'message' ? e.message.seq : -1)),
      sent.map((m) => m.seq),
    );
  });

  it('with Redis gone, serves its own streams without throwing, and once Redis is back says so and relays again', async () => {
    const a = await instance();
    const b = await instance();
    const bobOnA = a.got('bob');
    const bobOnB = b.got('bob');
    const resumed = { a: 0, b: 0 };
    a.hub.onRelayResumed(() => resumed.a++);
    b.hub.onRelayResumed(() => resumed.b++);
    await redis.server.halt();
    await until(() => !a.conn.up && !b.conn.up, 'both see Redis gone');
    const during = message('alice', 'bob');
    a.hub.message(during); // must not throw
    assert.deepEqual(bobOnA, [{ type: 'message', message: during }]);
    await sleep(200);
    assert.equal(bobOnB.length, 0, 'B cannot hear of it');

    await redis.server.start();
    // Each says once that it may have missed events, when it is sure to hear the others again.
    await until(() => resumed.a === 1 && resumed.b === 1, 'both resumed', 15_000);
    const later = message('alice', 'bob');
    a.hub.message(later);
    await until(() => bobOnB.length > 0, 'B hears A again');
    assert.deepEqual(bobOnB, [{ type: 'message', message: later }], 'the first event after resuming, and not the one from the outage');
    assert.deepEqual(resumed, { a: 1, b: 1 });
    assert.deepEqual([...a.errors, ...b.errors], []);
  });
});
