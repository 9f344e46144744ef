// The zeroconf announcement, seen by a real mDNS browser on this machine's network (multicast on
// its interfaces), as Home Assistant's zeroconf discovery would see it.
import { Bonjour, type Service } from 'bonjour-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { wyomingService } from '../../src/wyoming/zeroconf.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const NAME = `kittentts-test-${process.pid}-${Date.now().toString(36)}`;

let gw: TestGateway;
let announced: TestGateway;
beforeAll(async () => {
  [gw, announced] = await Promise.all([
    startTestGateway({ KITTENTTS_WYOMING_PORT: '0' }),
    startTestGateway({
      KITTENTTS_WYOMING_PORT: '0',
      KITTENTTS_WYOMING_ZEROCONF: '1',
      KITTENTTS_WYOMING_ZEROCONF_NAME: NAME,
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([gw?.cleanup(), announced?.cleanup()]);
});

/** The `_wyoming._tcp` services named `prefix*` a browser sees: until `until` holds, or 8 s. */
async function browse(prefix: string, until: (s: Service[]) => boolean): Promise<Service[]> {
  const bonjour = new Bonjour();
  const seen: Service[] = [];
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 8000);
      bonjour.find({ type: 'wyoming', protocol: 'tcp' }, (s) => {
        if (!s.name.startsWith(prefix)) return;
        seen.push(s);
        if (until(seen)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    await new Promise<void>((r) => bonjour.destroy(() => r()));
  }
  return seen;
}

describe('zeroconf announcement', () => {
  it('announces _wyoming._tcp with the door’s port under the configured name', async () => {
    const seen = await browse(NAME, (s) => s.length > 0);
    expect(seen.map((s) => s.name)).toEqual([NAME]);
    expect(seen[0]!.port).toBe(announced.wyomingPort);
    expect(seen[0]!.type).toBe('wyoming');
    expect(seen[0]!.protocol).toBe('tcp');
  });

  it('is off by default: a gateway without the setting publishes nothing', () => {
    expect(gw.wyomingAnnounced).toBeUndefined();
    expect(announced.wyomingAnnounced).toBe(NAME);
  });

  it('refuses an announced name with a dot, saying so', () => {
    expect(() => loadConfig({ KITTENTTS_WYOMING_ZEROCONF_NAME: 'kitchen.local' })).toThrow(
      /KITTENTTS_WYOMING_ZEROCONF_NAME: no dots allowed in the announced name/,
    );
    expect(loadConfig({ KITTENTTS_WYOMING_ZEROCONF_NAME: 'kitchen' }).wyomingZeroconfName).toBe(
      'kitchen',
    );
  });

  it('builds the record wyoming’s zeroconf.py registers', () => {
    expect(wyomingService('kitchen', 10200)).toMatchObject({
      name: 'kitchen',
      type: 'wyoming',
      protocol: 'tcp',
      port: 10200,
    });
  });
});
