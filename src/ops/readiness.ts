// GET /api/ready: may a load balancer send this replica work now? Not while it drains (the
// refusing app answers 503 then), not while the default model cannot be loaded, and not while
// the Redis it shares sessions through is unreachable — unless the probe asks `?redis=optional`
// (balancers and Kubernetes do: an outage of the shared Redis must not empty the whole pool, so
// the answer stays 200 and says `session_store: "unreachable"`; session routes answer 503 then).
// The first probe starts loading the default model (as the first request would); probes answer
// 503 until it is loaded, and a failed load is tried again on the next probe, its reason in the
// answer meanwhile. Redis is reachable when it answers a PING within PING_TIMEOUT_MS (a stopped
// server keeps its connections open); the answer is reused for STORE_CHECK_MS, so probes from
// every balancer do not each send one.
import type { Engine } from '../engine/engine.js';

export type Readiness =
  { ready: true; body: Record<string, unknown> } | { ready: false; detail: string };

export interface ReadinessParts {
  engine: Pick<Engine, 'ensureModel'> & { loadedModels(): string[] };
  defaultModelId: string;
  replicaId: string;
  /** Present when sessions live in Redis. */
  redis?: { ping(timeoutMs: number): Promise<boolean> };
}

const PING_TIMEOUT_MS = 500;
const STORE_CHECK_MS = 1000;

export interface ReadinessQuery {
  /** An unreachable Redis is reported in the 200 answer instead of failing it. */
  redisOptional?: boolean;
}

export function createReadiness(p: ReadinessParts): (q?: ReadinessQuery) => Promise<Readiness> {
  const modelProblem = modelChecker(p);
  const redisAnswers = p.redis ? storeChecker(p.redis) : undefined;
  return async ({ redisOptional = false } = {}) => {
    const model = modelProblem();
    if (model) return { ready: false, detail: model };
    const store = !redisAnswers ? 'memory' : (await redisAnswers()) ? 'redis' : 'unreachable';
    if (store === 'unreachable' && !redisOptional)
      return { ready: false, detail: 'The session store (Redis) is unreachable.' };
    return {
      ready: true,
      body: {
        status: 'ready',
        replica_id: p.replicaId,
        default_model: p.defaultModelId,
        session_store: store,
      },
    };
  };
}

/** Does Redis answer a PING? One PING at a time, its answer reused for STORE_CHECK_MS. */
function storeChecker(redis: NonNullable<ReadinessParts['redis']>): () => Promise<boolean> {
  let last: { atMs: number; ok: boolean } | undefined;
  let asking: Promise<boolean> | undefined;
  return () => {
    if (last && Date.now() - last.atMs < STORE_CHECK_MS) return Promise.resolve(last.ok);
    asking ??= redis
      .ping(PING_TIMEOUT_MS)
      .then((ok) => {
        last = { atMs: Date.now(), ok };
        return ok;
      })
      .finally(() => (asking = undefined));
    return asking;
  };
}

/** Why the default model cannot serve yet (undefined: it is loaded); starts loading it. */
function modelChecker(p: ReadinessParts): () => string | undefined {
  let loading: Promise<unknown> | undefined;
  let failure: string | undefined;
  return () => {
    if (p.engine.loadedModels().includes(p.defaultModelId)) return undefined;
    loading ??= p.engine
      .ensureModel(p.defaultModelId)
      .then(
        () => (failure = undefined),
        (err: unknown) => (failure = err instanceof Error ? err.message : String(err)),
      )
      .finally(() => (loading = undefined));
    return failure
      ? `The default model ${p.defaultModelId} could not be loaded: ${failure}`
      : `The default model ${p.defaultModelId} is loading.`;
  };
}
