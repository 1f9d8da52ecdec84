// The PostgreSQL connection pool every postgres adapter shares (protocol §9 `--database-url`).
// Opening it proves the server answers and brings the schema up to date, so a server never
// starts half-way against a database it cannot use.
import postgres, { type Sql } from 'postgres';
import { migrate } from './migrate.ts';
import { redact } from '../redact.ts';

export { redact };

export type { Sql };

export interface PostgresOptions {
  /** Connections in the pool; each instance keeps its own. */
  max?: number;
  /** How long to wait for the first answer before giving up at start (ms). */
  connectTimeoutMs?: number;
}

/** Thrown at start when the database cannot be reached or migrated; the message says which. */
export class DatabaseStartError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatabaseStartError';
  }
}

export async function openPostgres(url: string, o: PostgresOptions = {}): Promise<Sql> {
  const sql = postgres(url, {
    max: o.max ?? 10,
    connect_timeout: Math.ceil((o.connectTimeoutMs ?? 10_000) / 1000),
    // Notices (e.g. "relation already exists, skipping") are not the operator's business.
    onnotice: () => {},
    // bigint columns (message seqs) come back as JS numbers: they stay far below 2^53.
    types: { bigint: { to: 20, from: [20], serialize: (n: number) => String(n), parse: (s: string) => Number(s) } },
  });
  try {
    await sql`SELECT 1`;
    await migrate(sql);
  } catch (err) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw new DatabaseStartError(`The database at ${redact(url)} cannot be used: ${(err as Error).message}`, { cause: err });
  }
  return sql;
}

const DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // SQLSTATE: the server is shutting down, crashed, or not yet accepting connections.
  '57P01',
  '57P02',
  '57P03',
]);

/**
 * Whether an error means the database cannot be reached right now, rather than that it refused
 * what was asked: such a request is answered 503, and the pool reconnects by itself on the next.
 */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  // SQLSTATE class 08: connection exceptions.
  return DOWN_CODES.has(code) || code.startsWith('08');
}
