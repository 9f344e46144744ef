// Composition root for `npm start`: read settings, start the gateway, drain on SIGTERM/SIGINT.
import { ConfigError, loadConfig, type Config } from './config.js';
import { startGateway } from './gateway.js';
import { createLogger } from './logger.js';
import { allocatorHint, glibcRuntime } from './ops/allocator-hint.js';

export async function runServer(config: Config): Promise<void> {
  const log = createLogger(config.logLevel);
  // Before anything listens: the report behind glibcRuntime() looks up every open socket's peer.
  const hint = allocatorHint(config.allocator, glibcRuntime(), config.workerIdleReleaseMs);
  const gateway = await startGateway(config, { log });
  if (hint !== null) log.warn(hint);
  process.stderr.write(`KittenTTS gateway listening on ${gateway.url}\n`);
  if (gateway.wyomingPort !== undefined)
    process.stderr.write(
      `Wyoming (Home Assistant) listening on tcp://${config.wyomingHost}:${gateway.wyomingPort}\n`,
    );
  const stop = (signal: string) => {
    log.warn('shutting down', { signal });
    gateway.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('shutdown failed', { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

const isEntry = process.argv[1] !== undefined && /main\.(ts|js)$/.test(process.argv[1]);
if (isEntry) {
  try {
    await runServer(loadConfig());
  } catch (err) {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : String((err as Error)?.stack ?? err)}\n`,
    );
    process.exit(1);
  }
}
