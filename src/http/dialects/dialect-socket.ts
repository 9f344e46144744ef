// What both dialect WebSocket doors share: JSON out with backpressure (our own socket's helpers),
// opening a context as a session in the registry (the server's session cap and real-time
// admission apply to each), and the closed context ids a socket remembers (reuse is refused).
import type { WSContext } from 'hono/ws';
import type { WebSocket } from 'ws';
import { GatewayError } from '../../errors.js';
import type { AppDeps, SessionDoor } from '../deps.js';
import { drained, sendJson } from '../ws-send.js';
import { DialectContext, type ContextSink } from './dialect-context.js';
import { dialectEncoder, type DialectTarget } from './dialect-formats.js';

export type Ws = WSContext<WebSocket>;

export type DialectDeps = Pick<
  AppDeps,
  'catalog' | 'config' | 'engine' | 'log' | 'metrics' | 'openSession' | 'sessions'
>;

export { drained, sendJson };

export interface ContextSettings {
  readonly voice: string;
  readonly modelId: string;
  readonly normalize?: boolean;
  readonly target: DialectTarget;
}

/** A real-time session with first_chunk=auto, counted against KITTENTTS_MAX_SESSIONS. */
export function openContext(
  deps: DialectDeps,
  door: SessionDoor,
  ws: Ws,
  settings: ContextSettings,
  sink: ContextSink,
): DialectContext {
  const encoder = dialectEncoder(settings.target);
  const { voice, modelId, normalize } = settings;
  let session;
  try {
    session = deps.sessions.create(
      () =>
        deps.openSession(
          {
            voice,
            modelId,
            firstChunk: 'auto',
            schedule: 'realtime',
            ...(normalize === false ? { normalize } : {}),
          },
          door,
        ),
      { expires: false },
    );
  } catch (err) {
    encoder.close();
    throw err;
  }
  const id = session.id;
  return new DialectContext({
    session,
    encoder,
    sink,
    ready: () => drained(ws),
    release: () => deps.sessions.delete(id),
    onFailure: (err) => deps.log?.('error', `${door} context failed`, { error: String(err) }),
  });
}

/** Closed context ids a socket remembers (the oldest forgotten past `limit`: memory stays bounded). */
export class ClosedIds {
  private readonly ids = new Set<string>();
  constructor(private readonly limit = 1024) {}
  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value!);
  }
  has(id: string): boolean {
    return this.ids.has(id);
  }
}

/** A GatewayError's message is written for clients; anything else is an internal error. */
export function clientDetail(err: unknown): string {
  return err instanceof GatewayError ? err.message : 'internal error';
}
