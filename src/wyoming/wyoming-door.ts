// Starts the Wyoming door from the settings, when it is on (KITTENTTS_WYOMING_PORT), with its
// zeroconf announcement when that is on too; what the gateway drains and closes with the rest.
import type { Config } from '../config.js';
import type { WyomingDeps } from './wyoming-deps.js';
import { startWyomingServer, type WyomingServer } from './wyoming-server.js';
import { announceWyoming } from './zeroconf.js';

export interface WyomingDoor {
  readonly port: number;
  readonly host: string;
  readonly busy: boolean;
  /** The name announced over mDNS; undefined when zeroconf is off (nothing is published). */
  readonly announced: string | undefined;
  stopAccepting(): void;
  close(): Promise<void>;
}

export async function startWyomingDoor(
  config: Config,
  deps: Omit<WyomingDeps, 'limits'>,
): Promise<WyomingDoor | undefined> {
  if (config.wyomingPort === undefined) return undefined;
  const server: WyomingServer = await startWyomingServer(
    {
      ...deps,
      limits: {
        maxTextChars: config.maxTextChars,
        maxPartBytes: config.maxBodyBytes,
        maxConnections: config.maxSessions,
        idleTimeoutMs: config.sessionTtlMs,
      },
    },
    { host: config.wyomingHost, port: config.wyomingPort },
  );
  const loopback = /^(127\.|::1$|localhost$)/.test(config.wyomingHost);
  if (config.apiKeys.length > 0 && !loopback) {
    // The protocol has no field for a credential: only the network can keep strangers out.
    deps.log?.('warn', 'the Wyoming door takes no API key: anyone who reaches it can synthesize', {
      host: config.wyomingHost,
      hint: 'keep KITTENTTS_WYOMING_HOST on a trusted network, or unset it to bind to loopback',
    });
  }
  if (config.wyomingZeroconf && loopback) {
    deps.log?.('warn', 'zeroconf announces a Wyoming door that only listens on loopback', {
      host: config.wyomingHost,
      hint: 'set KITTENTTS_WYOMING_HOST (or HOST) to 0.0.0.0 for Home Assistant on another machine',
    });
  }
  const announcement = config.wyomingZeroconf
    ? announceWyoming({
        name: config.wyomingZeroconfName,
        port: server.port,
        onError: (err) =>
          deps.log?.('warn', 'zeroconf announcement failed', { error: String(err) }),
      })
    : undefined;
  return {
    port: server.port,
    host: server.host,
    get busy() {
      return server.busy;
    },
    announced: announcement?.service.name,
    stopAccepting: () => server.stopAccepting(),
    close: async () => {
      await Promise.all([server.close(), announcement?.stop()]);
    },
  };
}
