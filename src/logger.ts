// Structured JSON logs (pino) on stderr, quiet by default (warn). One small interface so the rest
// of the gateway never depends on the logging library directly.
import { pino } from 'pino';

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  level: LogLevel,
  destination: NodeJS.WritableStream = process.stderr,
): Logger {
  const base = pino({ level, base: { service: 'kittentts-gateway' } }, destination as never);
  const at =
    (fn: 'error' | 'warn' | 'info' | 'debug') => (msg: string, fields?: Record<string, unknown>) =>
      fields ? base[fn](fields, msg) : base[fn](msg);
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
