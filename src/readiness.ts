// GET /api/ready: may a load balancer send this replica work now? Not while it drains (the
// refusing app answers 503 then), not while the default model cannot be loaded, and not while
// the Redis it shares sessions through is unreachable — unless the probe asks `?redis=optional`
// (balancers and Kubernetes do: an outage of the shared Redis must not empty the whole pool, so
// the answer stays 200 and says `session_store: "unreachable"`; session routes answer 503 then).
// The first probe starts loading the default model (as the first request would); probes answer
// 503 until it is loaded, and a failed load is tried again on the next probe, its reason in the
// answer meanwhile.
import type { Engine } from './engine/engine.js';

export type Readiness =
  { ready: true; body: Record<string, unknown> } | { ready: false; detail: string };

export interface ReadinessParts {
  engine: Pick<Engine, 'ensureModel'> & { loadedModels(): string[] };
  defaultModelId: string;
  replicaId: string;
  /** Present when sessions live in Redis. */
  redis?: { readonly ready: boolean };
}

export interface ReadinessQuery {
  /** An unreachable Redis is reported in the 200 answer instead of failing it. */
  redisOptional?: boolean;
}

export function createReadiness(p: ReadinessParts): (q?: ReadinessQuery) => Readiness {
  const modelProblem = modelChecker(p);
  return ({ redisOptional = false } = {}) => {
    const model = modelProblem();
    if (model) return { ready: false, detail: model };
    const store = !p.redis ? 'memory' : p.redis.ready ? 'redis' : 'unreachable';
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
