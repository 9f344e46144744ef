// The seed REST streaming API with its sessions in Redis (KITTENTTS_REDIS_URL): the same routes,
// bodies and answers as stream-rest.ts, but every call may land on any replica
// (cluster/cluster-sessions.ts). Redis unreachable: each call answers 503 {detail} + Retry-After.
import { Hono } from 'hono';
import { callerKeyId } from './auth.js';
import type { AppDeps } from './deps.js';
import { keepAsWav } from './chunk-answer.js';
import { sendChunkAnswer } from './stream-rest.js';
import { parseWith, queryObject, readJson } from './validate.js';
import type { ClusterSessions } from '../cluster/cluster-sessions.js';

export function streamRestClusterRoutes(
  { schemas, idleGc }: Pick<AppDeps, 'schemas' | 'idleGc'>,
  cluster: ClusterSessions,
): Hono {
  const app = new Hono();

  app.post('/start', async (c) => {
    const q = parseWith(schemas.streamStartQuery, queryObject(c));
    const id = await cluster.start(
      { modelId: q.model, voice: q.voice, speed: q.speed },
      callerKeyId(c),
    );
    return c.json({ session_id: id, status: 'created' });
  });

  app.post('/chunk', async (c) => {
    const { session_id } = parseWith(schemas.streamChunkQuery, queryObject(c));
    const body = parseWith(schemas.streamChunkBody, await readJson(c, {}));
    const out = await cluster.chunk(session_id, callerKeyId(c), body, c.req.raw.signal);
    const status = out.ended ? 'ended' : body.flush ? 'flushed' : 'streaming';
    // With an SSE subscriber (on whichever replica) attached, it receives the audio: events is [].
    return sendChunkAnswer(c, out.events.map(keepAsWav), out.bufferedText, status, idleGc);
  });

  app.delete('/end/:session_id', async (c) => {
    const id = c.req.param('session_id');
    await cluster.end(id, callerKeyId(c));
    return c.json({ status: 'ended', session_id: id });
  });

  return app;
}
