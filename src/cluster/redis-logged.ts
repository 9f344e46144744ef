// The gateway's Redis link, with its connection trouble logged once per outage rather than at every
// retry (ioredis retries forever; the log says when it went and when it came back).
import type { Logger } from '../logger.js';
import { connectRedis, type RedisLink } from './redis.js';

/** Redis, with its connection trouble logged once per outage rather than at every retry. */
export function connectRedisLogged(url: string, log: Logger): RedisLink {
  let down = false;
  const link: RedisLink = connectRedis(url, (err) => {
    if (down) return;
    down = true;
    log.warn('redis unreachable; REST sessions answer 503 until it is back', {
      error: err.message,
    });
    const check = setInterval(() => {
      if (!link.ready) return;
      down = false;
      clearInterval(check);
      log.warn('redis reachable again', {});
    }, 500);
    check.unref();
  });
  return link;
}
