// The OnlineRegistry port (src/chat/online.ts) on Redis. Keys, under `{presence}` so that they
// share one cluster slot:
//   count           hash login → streams open on all instances (no field once it drops to 0)
//   inst:<id>       hash login → streams open on instance <id>
//   alive:<id>      present while instance <id> lives: refreshed every heartbeat, expires after ttlMs
//   instances       set of the ids that have an inst hash
// Every change is one Lua script, so the sum and the per-instance hashes never disagree, and of
// two instances racing, one alone sees a user's first stream or last. An instance that dies stops
// refreshing its alive key; the next sweep, on any instance, takes its streams off the sums and
// announces the users left with none (at most ttlMs + heartbeatMs after the death).
//
// While Redis cannot be reached, answers come from this instance's own counts, which are kept all
// along; once it is back this instance's hash is rewritten from them (Redis may have restarted
// empty, or another instance may have swept this one as dead) and the users whose state changed
// meanwhile are announced again, so the other instances' views catch up.
import type { OnlineChange, OnlineRegistry } from '../../chat/online.ts';
import { script, type RedisConnection, isConnectionLoss } from './connect.ts';

const CONNECT = script(
  `redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('SADD', KEYS[3], ARGV[2])
return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)`,
  3,
);

// A stream this hash never counted (opened while Redis was away, or swept) takes nothing off the
// sum: the total is answered as it is.
const DISCONNECT = script(
  `local mine = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if mine <= 0 then return tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') end
if mine == 1 then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HINCRBY', KEYS[1], ARGV[1], -1) end
local total = redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
if total <= 0 then redis.call('HDEL', KEYS[2], ARGV[1]); return 0 end
return total`,
  2,
);

// 0 when the alive key had expired: this instance may have been swept, and must resync.
const HEARTBEAT = script(
  `if redis.call('PEXPIRE', KEYS[1], ARGV[1]) == 1 then
  redis.call('SADD', KEYS[2], ARGV[2])
  return 1
end
return 0`,
  2,
);

// Subtracts one instance's hash from the sums and deletes it; the logins left with no stream.
const SUBTRACT = `local function subtract(inst, count, gone)
  local held = redis.call('HGETALL', inst)
  for i = 1, #held, 2 do
    local total = redis.call('HINCRBY', count, held[i], -tonumber(held[i + 1]))
    if total <= 0 then
      redis.call('HDEL', count, held[i])
      table.insert(gone, held[i])
    end
  end
  redis.call('DEL', inst)
end
`;

// The instances (other than the caller) whose alive key expired.
const SWEEP = script(
  `${SUBTRACT}
local gone = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if id ~= ARGV[2] and redis.call('EXISTS', ARGV[1] .. 'alive:' .. id) == 0 then
    subtract(ARGV[1] .. 'inst:' .. id, KEYS[2], gone)
    redis.call('SREM', KEYS[1], id)
  end
end
return gone`,
  2,
);

// Replaces this instance's hash with its own counts (ARGV[3..]: login, n, login, n…) and says
// which users went online or offline for everyone.
const RESYNC = script(
  `local before = {}
local function note(login)
  if before[login] == nil then before[login] = tonumber(redis.call('HGET', KEYS[2], login) or '0') end
end
local held = redis.call('HGETALL', KEYS[1])
for i = 1, #held, 2 do
  note(held[i])
  if redis.call('HINCRBY', KEYS[2], held[i], -tonumber(held[i + 1])) <= 0 then redis.call('HDEL', KEYS[2], held[i]) end
end
redis.call('DEL', KEYS[1])
for i = 3, #ARGV, 2 do
  note(ARGV[i])
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('HINCRBY', KEYS[2], ARGV[i], tonumber(ARGV[i + 1]))
end
redis.call('SET', KEYS[4], '1', 'PX', ARGV[1])
redis.call('SADD', KEYS[3], ARGV[2])
local online, offline = {}, {}
for login, was in pairs(before) do
  local now = tonumber(redis.call('HGET', KEYS[2], login) or '0')
  if was <= 0 and now > 0 then table.insert(online, login) end
  if was > 0 and now <= 0 then table.insert(offline, login) end
end
return {online, offline}`,
  4,
);

const LEAVE = script(
  `${SUBTRACT}
local gone = {}
subtract(KEYS[1], KEYS[2], gone)
redis.call('DEL', KEYS[4])
redis.call('SREM', KEYS[3], ARGV[1])
return gone`,
  4,
);

export interface RedisOnlineOptions {
  /** How long an instance that stopped refreshing counts as alive (ms). */
  ttlMs?: number;
  /** How often this instance refreshes its own alive key and sweeps the dead (ms). */
  heartbeatMs?: number;
  /**
   * After an outage, what this instance announced is announced once more this long after (ms):
   * pub/sub keeps nothing, and the instances whose connections come back a little later than this
   * one's would not hear the first time. Longer than the connections' longest reconnection pause.
   */
  reannounceMs?: number;
  /** A heartbeat, sweep or resync that failed (the connection's own report covers Redis going away). */
  onError?: (err: unknown) => void;
}

export class RedisOnlineRegistry implements OnlineRegistry {
  private readonly conn: RedisConnection;
  private readonly ttlMs: number;
  private readonly heartbeatMs: number;
  private readonly reannounceMs: number;
  private readonly onError: (err: unknown) => void;
  /** Streams open on this instance, kept whether Redis answers or not. */
  private readonly local = new Map<string, number>();
  /** Users whose state this instance decided alone (Redis away) and must announce again. */
  private readonly decidedAlone = new Set<string>();
  private readonly listeners = new Set<OnlineChange>();
  /** Redis may not match `local` (a command failed without the connection dropping). */
  private dirty = false;
  private syncing: Promise<void> | undefined;
  private ticking = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly later = new Set<ReturnType<typeof setTimeout>>();
  private stopUp: (() => void) | undefined;
  private readonly keys: { count: string; instances: string; inst: string; alive: string; base: string };

  private constructor(conn: RedisConnection, o: RedisOnlineOptions) {
    this.conn = conn;
    this.ttlMs = o.ttlMs ?? 15_000;
    this.heartbeatMs = o.heartbeatMs ?? Math.max(10, Math.floor(this.ttlMs / 3));
    this.reannounceMs = o.reannounceMs ?? 3_000;
    this.onError = o.onError ?? (() => {});
    const base = conn.key('{presence}', '');
    this.keys = {
      base,
      count: `${base}count`,
      instances: `${base}instances`,
      inst: `${base}inst:${conn.instanceId}`,
      alive: `${base}alive:${conn.instanceId}`,
    };
  }

  /** Registers this instance (alive, no streams) and starts its heartbeat. */
  static async open(conn: RedisConnection, o: RedisOnlineOptions = {}): Promise<RedisOnlineRegistry> {
    const r = new RedisOnlineRegistry(conn, o);
    await r.resync();
    r.stopUp = conn.onUp(() => void r.resync());
    r.timer = setInterval(() => void r.tick(), r.heartbeatMs).unref();
    return r;
  }

  async connect(login: string): Promise<boolean> {
    const n = (this.local.get(login) ?? 0) + 1;
    this.local.set(login, n);
    if (this.conn.up && !this.dirty) {
      try {
        const k = this.keys;
        return Number(await CONNECT(this.conn.client, [k.inst, k.count, k.instances], [login, this.conn.instanceId])) === 1;
      } catch {
        this.dirty = true;
      }
    }
    this.decidedAlone.add(login);
    return n === 1;
  }

  async disconnect(login: string): Promise<boolean> {
    const n = (this.local.get(login) ?? 0) - 1;
    if (n > 0) this.local.set(login, n);
    else this.local.delete(login);
    if (this.conn.up && !this.dirty) {
      try {
        return Number(await DISCONNECT(this.conn.client, [this.keys.inst, this.keys.count], [login])) === 0;
      } catch {
        this.dirty = true;
      }
    }
    this.decidedAlone.add(login);
    return n <= 0;
  }

  async isOnline(login: string): Promise<boolean> {
    if (this.conn.up) {
      try {
        return Number((await this.conn.client.hget(this.keys.count, login)) ?? 0) > 0;
      } catch {
        // this instance's own below
      }
    }
    return this.local.has(login);
  }

  async onlineAll(): Promise<Set<string>> {
    if (this.conn.up) {
      try {
        return new Set(await this.conn.client.hkeys(this.keys.count));
      } catch {
        // this instance's own below
      }
    }
    return new Set(this.local.keys());
  }

  onChange(cb: OnlineChange): void {
    this.listeners.add(cb);
  }

  /**
   * Stops the heartbeat and takes this instance's streams off the sums at once (rather than after
   * ttlMs), announcing the users left with none. Call before closing the connection.
   */
  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const t of this.later) clearTimeout(t);
    this.stopUp?.();
    if (!this.conn.up) return;
    try {
      const k = this.keys;
      const gone = (await LEAVE(this.conn.client, [k.inst, k.count, k.instances, k.alive], [this.conn.instanceId])) as string[];
      this.local.clear();
      for (const login of new Set(gone)) this.emit(login, false);
    } catch (err) {
      if (!isConnectionLoss(err)) this.onError(err);
    }
  }

  /** Heartbeat, then sweep: one at a time, skipped while Redis is away. */
  private async tick(): Promise<void> {
    if (this.ticking || !this.conn.up) return;
    this.ticking = true;
    try {
      const k = this.keys;
      if (this.dirty || Number(await HEARTBEAT(this.conn.client, [k.alive, k.instances], [this.ttlMs, this.conn.instanceId])) === 0) {
        await this.resync();
      }
      const gone = (await SWEEP(this.conn.client, [k.instances, k.count], [k.base, this.conn.instanceId])) as string[];
      for (const login of new Set(gone)) this.emit(login, false);
    } catch (err) {
      if (this.conn.up && !isConnectionLoss(err)) this.onError(err);
    } finally {
      this.ticking = false;
    }
  }

  /** Rewrites this instance's hash from its own counts; one at a time. */
  private resync(): Promise<void> {
    this.syncing ??= this.rewrite().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async rewrite(): Promise<void> {
    const alone = [...this.decidedAlone];
    this.decidedAlone.clear();
    this.dirty = false;
    const counts = [...this.local].flatMap(([login, n]) => [login, n]);
    const k = this.keys;
    try {
      const [online, offline] = (await RESYNC(
        this.conn.client,
        [k.inst, k.count, k.instances, k.alive],
        [this.ttlMs, this.conn.instanceId, ...counts],
      )) as [string[], string[]];
      for (const login of online) this.emit(login, true);
      for (const login of offline) this.emit(login, false);
      // What this instance announced alone, the others may not have heard: the truth, once more.
      const told = new Set([...online, ...offline]);
      for (const login of alone) if (!told.has(login)) this.emit(login, await this.isOnline(login));
      for (const login of alone) told.add(login);
      if (told.size > 0) this.announceLater(told);
    } catch (err) {
      this.dirty = true;
      for (const login of alone) this.decidedAlone.add(login);
      if (this.conn.up && !isConnectionLoss(err)) this.onError(err);
    }
  }

  private announceLater(logins: Set<string>): void {
    const t = setTimeout(async () => {
      this.later.delete(t);
      if (!this.conn.up) return; // the next recovery announces them
      for (const login of logins) this.emit(login, await this.isOnline(login));
    }, this.reannounceMs).unref();
    this.later.add(t);
  }

  private emit(login: string, online: boolean): void {
    for (const cb of this.listeners) {
      try {
        cb(login, online);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
