// The zeroconf announcement, seen by a real mDNS browser on this machine's network (multicast on
// its interfaces), as Home Assistant's zeroconf discovery would see it.
import { Bonjour, type Service } from 'bonjour-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/**
 * The `_wyoming._tcp` services named `prefix*` a browser sees: until `until` holds (then `graceMs`
 * more), or 8 s.
 */
async function browse(
  prefix: string,
  until: (s: Service[]) => boolean,
  graceMs = 0,
): Promise<Service[]> {
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
          setTimeout(resolve, graceMs);
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

  it('is off by default: a gateway without the setting announces nothing', async () => {
    // Both gateways started together: once the browser has seen the one that announces, it is
    // given a second more to see the other.
    const seen = await browse('kittentts-', (s) => s.some((x) => x.name === NAME), 1000);
    expect(seen.map((s) => s.port)).not.toContain(gw.wyomingPort);
    expect(seen.map((s) => s.name)).toContain(NAME); // the browser did see the one that is on
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
