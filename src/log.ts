// Structured logs, one JSON object per line. Callers pass only what is safe to keep: never a
// password, a private key, a token or a message body.
export type Log = (msg: string, data?: Record<string, unknown>) => void;

export function jsonLog(level: 'info' | 'silent', out: NodeJS.WritableStream = process.stdout): Log {
  if (level === 'silent') return () => {};
  return (msg, data) => out.write(JSON.stringify({ time: new Date().toISOString(), msg, ...data }) + '\n');
}
