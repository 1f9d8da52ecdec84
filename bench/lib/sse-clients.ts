// Many Server-Sent Event streams held open by one worker thread, plus a probe that sends messages
// and times their arrival on one of those streams (sending and receiving on the same thread, so
// on the same clock).
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Agent, request, type ClientRequest } from 'node:http';
import { once } from 'node:events';
import { send } from './load.ts';

export interface SseJob {
  url: string;
  /** One session token per stream to open. */
  tokens: string[];
  /** How many streams to open at a time. */
  opening: number;
}

export interface ProbeJob {
  /** The stream (index into tokens) whose events are timed, or several: each arrival is a sample. */
  stream: number | number[];
  senderToken: string;
  /** Envelope bodies, JSON, each with a fresh id, addressed to the probed stream's user. */
  bodies: string[];
  /** Messages per second. */
  rate: number;
  /**
   * Leading bodies sent at the same rate but not timed: the server's first messages compile the
   * message path (JIT, prepared statements, the sender's key) and would otherwise be the tail.
   */
  warmup?: number;
}

export interface ProbeResult {
  /** POST start to 201, ms. */
  accept: number[];
  /** POST start to the event on the stream, ms (one per timed stream and message). */
  receive: number[];
  /** Arrivals that never came, over every timed stream. */
  lost: number;
}

export interface SseClients {
  /** Streams whose `ready` event arrived. */
  ready: number;
  failed: number;
  probe(job: ProbeJob): Promise<ProbeResult>;
  close(): Promise<void>;
}

/**
 * Reads an event stream's text (a response with setEncoding('utf8')), chunk by chunk, calling
 * `onEvent` with each whole event's type and data: one parser for every benchmark that reads
 * events, so that they all read them alike. It keeps only what the benchmarks look at.
 */
export function sseEvents(onEvent: (type: string, data: string) => void): (chunk: string) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk;
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let type = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      // As EventSource does: a block without data (the server's keep-alive comment) is no event.
      if (data.length) onEvent(type, data.join('\n'));
    }
  };
}

export async function openStreams(job: SseJob): Promise<SseClients> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { sseJob: job } });
  const [opened] = (await once(worker, 'message')) as [{ ready: number; failed: number }];
  return {
    ...opened,
    async probe(p) {
      worker.postMessage({ probe: p });
      const [r] = (await once(worker, 'message')) as [ProbeResult];
      return r;
    },
    async close() {
      worker.postMessage({ close: true });
      await once(worker, 'message');
      await worker.terminate();
    },
  };
}

async function run(job: SseJob): Promise<void> {
  const url = new URL(job.url);
  const requests: ClientRequest[] = [];
  // Per stream: called with each event's type and data.
  const listeners = new Map<number, (type: string, data: string) => void>();
  let ready = 0;
  let failed = 0;

  const open = (i: number) =>
    new Promise<void>((resolve) => {
      const req = request(
        { host: url.hostname, port: url.port, path: '/api/v1/events', agent: false, headers: { authorization: `Bearer ${job.tokens[i]}`, accept: 'text/event-stream' } },
        (res) => {
          if (res.statusCode !== 200) {
            failed++;
            res.resume();
            return resolve();
          }
          res.setEncoding('utf8');
          let isReady = false;
          res.on(
            'data',
            sseEvents((type, data) => {
              if (type === 'ready' && !isReady) {
                isReady = true;
                ready++;
                resolve();
              }
              listeners.get(i)?.(type, data);
            }),
          );
          res.on('error', () => {});
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end();
      requests.push(req);
    });

  for (let i = 0; i < job.tokens.length; i += job.opening) {
    await Promise.all(job.tokens.slice(i, i + job.opening).map((_, k) => open(i + k)));
  }
  parentPort!.postMessage({ ready, failed });

  parentPort!.on('message', async (m: { probe?: ProbeJob; close?: boolean }) => {
    if (m.close) {
      for (const r of requests) r.destroy();
      parentPort!.postMessage('closed');
      return;
    }
    const p = m.probe!;
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const started = new Map<string, number>();
    const timedStreams = Array.isArray(p.stream) ? p.stream : [p.stream];
    // Per message id, the streams it has yet to reach.
    const awaited = new Map<string, number>();
    const receive: number[] = [];
    const accept: number[] = [];
    for (const i of timedStreams) {
      listeners.set(i, (type, data) => {
        if (type !== 'message') return;
        const id = (JSON.parse(data) as { id: string }).id;
        const t0 = started.get(id);
        if (t0 === undefined) return;
        receive.push(performance.now() - t0);
        const left = awaited.get(id)! - 1;
        if (left > 0) awaited.set(id, left);
        else {
          awaited.delete(id);
          started.delete(id);
        }
      });
    }
    const posts: Promise<void>[] = [];
    for (const [i, body] of p.bodies.entries()) {
      const id = (JSON.parse(body) as { id: string }).id;
      const timed = i >= (p.warmup ?? 0);
      const t0 = performance.now();
      if (timed) {
        started.set(id, t0);
        awaited.set(id, timedStreams.length);
      }
      posts.push(
        send(url, agent, { method: 'POST', path: '/api/v1/messages', headers: { 'content-type': 'application/json', authorization: `Bearer ${p.senderToken}` }, body }).then(
          (res) => {
            if (res.status === 201 && timed) accept.push(performance.now() - t0);
          },
          () => {},
        ),
      );
      await new Promise((r) => setTimeout(r, 1000 / p.rate));
    }
    await Promise.all(posts);
    await new Promise((r) => setTimeout(r, 500)); // stragglers
    agent.destroy();
    for (const i of timedStreams) listeners.delete(i);
    parentPort!.postMessage({ accept, receive, lost: [...awaited.values()].reduce((a, b) => a + b, 0) } satisfies ProbeResult);
  });
}

if (!isMainThread && workerData?.sseJob) void run(workerData.sseJob as SseJob);
