// GET /api/ready: may a load balancer send this replica work now? Not while it drains (the
// refusing app answers 503 then), not while the default model cannot be loaded, and not while
// the Redis it shares sessions through is unreachable. The first probe starts loading the default
// model (as the first request would); probes answer 503 until it is loaded, and a failed load is
// tried again on the next probe, its reason in the answer meanwhile.
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

export function createReadiness(p: ReadinessParts): () => Readiness {
  let loading: Promise<unknown> | undefined;
  let failure: string | undefined;
  const modelProblem = (): string | undefined => {
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
  return () => {
    const model = modelProblem();
    if (model) return { ready: false, detail: model };
    if (p.redis && !p.redis.ready)
      return { ready: false, detail: 'The session store (Redis) is unreachable.' };
    return {
      ready: true,
      body: {
        status: 'ready',
        replica_id: p.replicaId,
        default_model: p.defaultModelId,
        session_store: p.redis ? 'redis' : 'memory',
      },
    };
  };
}
