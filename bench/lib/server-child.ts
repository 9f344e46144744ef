// Child-process entry that serves the gateway (optionally with the pinned-FIFO baseline policy),
// the seed baseline or a sherpa-onnx-node WebSocket server, so the load generator's
// own work never shows up in the server's event-loop lag or memory. Talks to its parent over IPC:
// sends {type:'ready', url, wyomingPort}; answers 'stats' with lag percentiles and RSS; 'reset' clears the lag
// histogram; 'close' shuts down and exits.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../../src/config.js';
import { startGateway } from '../../src/gateway.js';
import { pinnedFifoPolicy } from './pinned-fifo-policy.js';
import { startSeedServer } from './seed-app.js';
import { startSherpaServer } from './sherpa-server.js';
import { NANO_DIR } from './standin-model.js';

export interface ChildStats {
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** V8's heap as reserved (heapUsed is what live objects take of it). */
  heapTotalBytes: number;
  /** Memory of JS objects held outside V8's heap (Buffers, ArrayBuffers, strings' native data). */
  externalBytes: number;
  arrayBuffersBytes: number;
}

type Spec =
  | { kind: 'gateway'; env: Record<string, string>; policy?: 'pinned-fifo' }
  | { kind: 'seed'; intraOpThreads: number }
  | { kind: 'sherpa'; engines: number };

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
const lag = monitorEventLoopDelay({ resolution: 1 });
lag.enable();

const server =
  spec.kind === 'gateway'
    ? await startGateway(
        loadConfig(spec.env),
        spec.policy === 'pinned-fifo' ? { policy: pinnedFifoPolicy() } : {},
      )
    : spec.kind === 'sherpa'
      ? await startSherpaServer(NANO_DIR, spec.engines)
      : await startSeedServer(NANO_DIR, { intraOpThreads: spec.intraOpThreads });

process.on('message', (msg: { type: string; id: number }) => {
  if (msg.type === 'stats') {
    const mem = process.memoryUsage();
    const stats: ChildStats = {
      lagP50Ms: lag.percentile(50) / 1e6,
      lagP99Ms: lag.percentile(99) / 1e6,
      lagMaxMs: lag.max / 1e6,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      externalBytes: mem.external,
      arrayBuffersBytes: mem.arrayBuffers,
    };
    process.send?.({ type: 'stats', id: msg.id, stats });
  } else if (msg.type === 'reset') {
    lag.reset();
    process.send?.({ type: 'reset', id: msg.id });
  } else if (msg.type === 'close') {
    void server.close().then(() => process.exit(0));
  }
});
process.send?.({
  type: 'ready',
  url: server.url,
  wyomingPort: 'wyomingPort' in server ? server.wyomingPort : undefined,
});
