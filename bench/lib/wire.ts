// A lean HTTP/1.1 client for the load generator: each request is written as bytes prepared once,
// and each answer is read with just enough parsing to find its status and its end (Content-Length,
// chunked, or the connection closing). The load generator shares this two-core machine with the
// server it measures, so its own cost matters: node:http's client spent 40–90 µs of CPU per request
// (more against servers that send more headers), this one spends a fraction of that, leaving the
// cores to the servers being compared.
import { connect, type Socket } from 'node:net';

export interface WireRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface WireAnswer {
  status: number;
  body: Buffer;
}

const prepared = new WeakMap<WireRequest, Buffer>();

/** The request's bytes on the wire, made once per request object. */
export function requestBytes(host: string, r: WireRequest): Buffer {
  let bytes = prepared.get(r);
  if (!bytes) {
    const body = r.body === undefined ? undefined : typeof r.body === 'string' ? Buffer.from(r.body) : Buffer.from(r.body);
    let head = `${r.method} ${r.path} HTTP/1.1\r\nhost: ${host}\r\n`;
    for (const [k, v] of Object.entries(r.headers ?? {})) head += `${k}: ${v}\r\n`;
    if (body) head += `content-length: ${body.length}\r\n`;
    head += '\r\n';
    bytes = body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
    prepared.set(r, bytes);
  }
  return bytes;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

interface Pending {
  resolve: (a: WireAnswer) => void;
  reject: (err: Error) => void;
}

/** One keep-alive connection answering one request at a time. */
class Connection {
  readonly socket: Socket;
  alive = true;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  private closeAfter = false;

  constructor(port: number, host: string, localAddress: string | undefined, onFree: (c: Connection) => void) {
    this.socket = connect({ port, host, ...(localAddress ? { localAddress } : {}), noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.parse(false, onFree);
    });
    const gone = (err?: Error) => {
      this.alive = false;
      this.parse(true, onFree); // a body that ends with the connection
      if (this.pending) {
        const p = this.pending;
        this.pending = undefined;
        p.reject(err ?? new Error('connection closed before the answer'));
      }
    };
    this.socket.on('error', gone);
    this.socket.on('close', () => gone());
  }

  send(bytes: Buffer): Promise<WireAnswer> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  private parse(ended: boolean, onFree: (c: Connection) => void): void {
    if (!this.pending) return;
    const headEnd = this.buffer.indexOf(CRLFCRLF);
    if (headEnd < 0) return;
    // Lower-cased once, then only the three headers that frame the answer are looked for.
    const head = this.buffer.toString('latin1', 0, headEnd).toLowerCase();
    const status = Number(head.slice(9, 12));
    const field = (name: string): string | undefined => {
      const at = head.indexOf(`\r\n${name}:`);
      if (at < 0) return undefined;
      const end = head.indexOf('\r\n', at + 2);
      return head.slice(at + name.length + 3, end < 0 ? head.length : end).trim();
    };
    const declared = field('content-length');
    const length = declared === undefined ? undefined : Number(declared);
    const chunked = (field('transfer-encoding') ?? '').includes('chunked');
    const connection = field('connection') ?? '';
    let close = connection.includes('close') || (head.startsWith('http/1.0') && !connection.includes('keep-alive'));
    const start = headEnd + 4;
    let body: Buffer;
    let consumed: number;
    if (status === 204 || status === 304 || (length === undefined && !chunked && status < 200)) {
      body = Buffer.alloc(0);
      consumed = start;
    } else if (length !== undefined) {
      if (this.buffer.length < start + length) return;
      body = this.buffer.subarray(start, start + length);
      consumed = start + length;
    } else if (chunked) {
      const parts: Buffer[] = [];
      let at = start;
      for (;;) {
        const lineEnd = this.buffer.indexOf('\r\n', at);
        if (lineEnd < 0) return;
        const size = parseInt(this.buffer.toString('latin1', at, lineEnd), 16);
        if (size === 0) {
          const trailerEnd = this.buffer.indexOf(CRLFCRLF, lineEnd);
          if (trailerEnd < 0 && this.buffer.indexOf('\r\n', lineEnd + 2) !== lineEnd + 2) return;
          consumed = trailerEnd >= 0 ? trailerEnd + 4 : lineEnd + 4;
          break;
        }
        if (this.buffer.length < lineEnd + 2 + size + 2) return;
        parts.push(this.buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      if (!ended) return; // the body ends with the connection
      body = this.buffer.subarray(start);
      consumed = this.buffer.length;
      close = true;
    }
    this.buffer = this.buffer.subarray(consumed);
    const p = this.pending;
    this.pending = undefined;
    if (close) {
      this.closeAfter = true;
      this.alive = false;
      this.socket.destroy();
    }
    p.resolve({ status, body: Buffer.from(body) });
    if (!this.closeAfter) onFree(this);
  }
}

/** Connections to one server (and one source address), at most `max` of them open. */
export class Pool {
  private readonly port: number;
  private readonly host: string;
  private readonly hostHeader: string;
  private readonly max: number;
  private readonly localAddress: string | undefined;
  private readonly idle: Connection[] = [];
  private readonly waiting: ((c: Connection) => void)[] = [];
  private open = 0;

  constructor(url: URL, max: number, localAddress?: string) {
    this.port = Number(url.port);
    this.host = url.hostname;
    this.hostHeader = url.host;
    this.max = max;
    this.localAddress = localAddress;
  }

  async request(r: WireRequest): Promise<WireAnswer> {
    const bytes = requestBytes(this.hostHeader, r);
    const c = await this.take();
    try {
      return await c.send(bytes);
    } finally {
      if (!c.alive) this.open--;
      if (!c.alive && this.waiting.length) this.waiting.shift()!(this.connect());
    }
  }

  private take(): Promise<Connection> {
    while (this.idle.length) {
      const c = this.idle.pop()!;
      if (c.alive) return Promise.resolve(c);
      this.open--;
    }
    if (this.open < this.max) return Promise.resolve(this.connect());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private connect(): Connection {
    this.open++;
    return new Connection(this.port, this.host, this.localAddress, (c) => {
      const next = this.waiting.shift();
      if (next) next(c);
      else this.idle.push(c);
    });
  }

  close(): void {
    for (const c of this.idle) c.socket.destroy();
    this.idle.length = 0;
  }
}
