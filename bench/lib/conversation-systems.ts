// The systems bench/conversations.ts compares, by name (`--systems load,auto,…`): the gateway's
// deadline scheduler with load-aware chunking or with the older buffer-only auto chunking, the
// pinned-FIFO baseline policy with sentence chunks or with the scheduler's chunking, sherpa-onnx-node
// FIFO, and thread-count variants (item 3: a lone chunk on both cores). Gateways send their
// chunk-lifecycle trace (`trace=1`) so every level gets its lateness decomposition.
import type { ServerSpec } from './server-process.js';
import { gatewayEnv } from './standin-model.js';

export interface System {
  label: string;
  spec: ServerSpec;
  query: Record<string, string>;
}

export function conversationSystems(cores: number): Record<string, System> {
  // Session admission is set out of the way: the ladder measures what scheduling and chunking
  // carry. Its derived default assumes every listener takes a full audio second per second and
  // would admit floor(measured audio-s/s) sessions (docs/architecture.md, Scheduling).
  const gateway = (policy: 'load' | 'buffer', workers = cores, threads = 1, extra = {}) =>
    gatewayEnv({
      workers,
      threadsPerWorker: threads,
      extra: { KITTENTTS_CHUNK_POLICY: policy, KITTENTTS_MAX_REALTIME_SESSIONS: '1024', ...extra },
    });
  const traced = { trace: '1' };
  return {
    load: {
      label: `deadline scheduler + load-aware chunking (${cores} workers)`,
      spec: { kind: 'gateway', env: gateway('load') },
      query: { first_chunk: 'auto', ...traced },
    },
    auto: {
      label: `deadline scheduler + today's auto chunking (${cores} workers)`,
      spec: { kind: 'gateway', env: gateway('buffer') },
      query: { first_chunk: 'auto', ...traced },
    },
    'pinned-sentence': {
      label: `pinned FIFO, sentence chunks (${cores} workers)`,
      spec: { kind: 'gateway', env: gateway('load'), policy: 'pinned-fifo' },
      query: { first_chunk: 'sentence', ...traced },
    },
    'pinned-auto': {
      label: `pinned FIFO, the scheduler's (load-aware) chunking (${cores} workers)`,
      spec: { kind: 'gateway', env: gateway('load'), policy: 'pinned-fifo' },
      query: { first_chunk: 'auto', ...traced },
    },
    sherpa: {
      label: `sherpa-onnx-node, ${cores} engines × 1 thread, FIFO, sentence chunks`,
      spec: { kind: 'sherpa', engines: cores },
      query: {},
    },
    // Item 3: a lone chunk on both cores (intra-op threads that do not spin).
    'load-2x2': {
      label: 'deadline + load-aware, 2 workers × 2 intra-op threads (no spinning)',
      spec: { kind: 'gateway', env: gateway('load', 2, 2) },
      query: { first_chunk: 'auto', ...traced },
    },
    'load-2x1': {
      label: 'deadline + load-aware, 2 workers × 1 intra-op thread',
      spec: { kind: 'gateway', env: gateway('load', 2, 1) },
      query: { first_chunk: 'auto', ...traced },
    },
    // A short opening ("Sure!") held for the clause after it instead of sent alone.
    'load-merge': {
      label: 'deadline + load-aware, short opening merged with the next clause',
      spec: {
        kind: 'gateway',
        env: gateway('load', cores, 1, { KITTENTTS_SHORT_OPENING: 'merge' }),
      },
      query: { first_chunk: 'auto', ...traced },
    },
    'load-1x2': {
      label: 'deadline + load-aware, 1 worker × 2 intra-op threads (no spinning)',
      spec: { kind: 'gateway', env: gateway('load', 1, 2) },
      query: { first_chunk: 'auto', ...traced },
    },
  };
}
