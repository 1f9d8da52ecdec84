// The EventRelay port (src/chat/hub.ts) on Redis pub/sub: every instance publishes its hub events
// on one channel and delivers what the others publish. Each event carries its instance's id, so an
// instance skips its own (the Hub has delivered those already, without waiting for the round trip).
// Pub/sub keeps no history: an instance that was cut off misses what was published meanwhile, and
// its streams' clients catch up from the message store when they reconnect (Last-Event-ID).
import type { EventRelay, RoutedEvent } from '../../chat/hub.ts';
import type { RedisConnection } from './connect.ts';
import { isConnectionLoss } from './connect.ts';

interface Wire {
  from: string;
  e: RoutedEvent;
}

export interface RedisEventRelayOptions {
  /** A published event that could not be sent, or a received one that could not be read. */
  onError?: (err: unknown) => void;
}

export class RedisEventRelay implements EventRelay {
  private readonly conn: RedisConnection;
  private readonly channel: string;
  private readonly listeners = new Set<(e: RoutedEvent) => void>();
  private readonly onError: (err: unknown) => void;

  private constructor(conn: RedisConnection, o: RedisEventRelayOptions) {
    this.conn = conn;
    this.channel = conn.key('events');
    this.onError = o.onError ?? (() => {});
  }

  /** Subscribed before it resolves, so no event published after that is missed. */
  static async open(conn: RedisConnection, o: RedisEventRelayOptions = {}): Promise<RedisEventRelay> {
    const relay = new RedisEventRelay(conn, o);
    conn.subscriber.on('message', (channel: string, text: string) => {
      if (channel === relay.channel) relay.received(text);
    });
    // ioredis subscribes again by itself after each reconnection.
    await conn.subscriber.subscribe(relay.channel);
    return relay;
  }

  publish(e: RoutedEvent): void {
    // Down: the Hub has served this instance's streams; the others cannot be reached.
    if (!this.conn.up) return;
    const wire: Wire = { from: this.conn.instanceId, e };
    this.conn.client.publish(this.channel, JSON.stringify(wire)).catch((err: unknown) => {
      if (!isConnectionLoss(err)) this.onError(err);
    });
  }

  onEvent(cb: (e: RoutedEvent) => void): void {
    this.listeners.add(cb);
  }

  onResumed(cb: () => void): void {
    this.conn.onUp(() => {
      // ioredis subscribes again as it reconnects, but 'ready' may come first: our own SUBSCRIBE
      // (harmless if repeated) answers only once the subscription holds, so nothing published
      // after cb runs is missed.
      this.conn.subscriber.subscribe(this.channel).then(
        () => cb(),
        (err: unknown) => {
          // Lost again before it held: the next 'up' tries again.
          if (!isConnectionLoss(err)) this.onError(err);
        },
      );
    });
  }

  private received(text: string): void {
    let wire: Wire;
    try {
      wire = JSON.parse(text) as Wire;
    } catch (err) {
      this.onError(err);
      return;
    }
    if (wire.from === this.conn.instanceId) return;
    for (const cb of this.listeners) {
      try {
        cb(wire.e);
      } catch (err) {
        // One failing listener must not keep the event from the others, nor break the subscription.
        this.onError(err);
      }
    }
  }
}
