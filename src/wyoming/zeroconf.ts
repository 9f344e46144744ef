// Zeroconf (mDNS) announcement of the Wyoming door, so Home Assistant discovers it by itself: the
// `_wyoming._tcp` service that `wyoming`'s zeroconf.py registers, under a name and the door's
// port. The only importer of bonjour-service.
import { Bonjour, type ServiceConfig } from 'bonjour-service';

export interface ZeroconfOptions {
  /** Instance name (`<name>._wyoming._tcp.local`); dots are not allowed in it. */
  name: string;
  port: number;
  /** Called with an mDNS socket error (the announcement stops; the door keeps serving). */
  onError?: (err: Error) => void;
}

export interface Announcement {
  readonly service: ServiceConfig;
  stop(): Promise<void>;
}

/** The service record that is announced. */
export function wyomingService(name: string, port: number): ServiceConfig {
  return { name, type: 'wyoming', protocol: 'tcp', port, disableIPv6: false };
}

export function announceWyoming(options: ZeroconfOptions): Announcement {
  const onError = (err: unknown) => options.onError?.(err as Error);
  const bonjour = new Bonjour({}, onError);
  const service = wyomingService(options.name, options.port);
  const published = bonjour.publish(service);
  published.on('error', onError);
  return {
    service,
    stop: () =>
      new Promise<void>((resolve) => {
        // unpublishAll sends the goodbye packets; destroy closes the mDNS sockets.
        bonjour.unpublishAll(() => bonjour.destroy(() => resolve()));
      }),
  };
}
