// The Lua scripts that make each step on a session record atomic in Redis: create under the
// cluster-wide cap, take the session's lock and read the record in one trip, commit only while
// still holding the lock, refresh, release (compare-and-delete) and delete. Times come from the
// Redis server's clock, so replicas whose clocks differ still agree on expiry.
import { createHash } from 'node:crypto';
import type { LuaScript } from './redis.js';

const script = (lua: string): LuaScript =>
  Object.freeze({ lua, sha: createHash('sha1').update(lua).digest('hex') });

const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// Live sessions in the cluster: REST records in the live set, plus each replica's WebSocket
// count in a hash (replica → "count:expiresAtMs", renewed while the replica runs).
const LIVE_COUNT = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local n = redis.call('ZCARD', KEYS[1])
local ws = redis.call('HGETALL', KEYS[2])
for i = 1, #ws, 2 do
  local count, expires = string.match(ws[i + 1], '^(%d+):(%d+)$')
  if count and tonumber(expires) > now then n = n + tonumber(count) else redis.call('HDEL', KEYS[2], ws[i]) end
end`;

/** KEYS: live set, WebSocket counts, record. ARGV: id, ttlMs, max, model, voice, speed, owner → {1, live} | {0, ms until one expires}. */
export const CREATE = script(`${LIVE_COUNT}
if n >= tonumber(ARGV[3]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  -- WebSocket sessions alone may fill the cap: no REST session expires, so ask again in a second.
  if not first[2] then return {0, 1000} end
  return {0, math.max(0, tonumber(first[2]) - now)}
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[3], 'model', ARGV[4], 'voice', ARGV[5], 'speed', ARGV[6], 'owner', ARGV[7], 'buffered', '', 'next_seq', 0, 'last_used_ms', now)
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return {1, n + 1}`);

/** KEYS: live set, WebSocket counts. → live sessions in the cluster. */
export const COUNT_LIVE = script(`${LIVE_COUNT}
return n`);

/** KEYS: WebSocket counts. ARGV: replica, count, ttlMs: this replica's WebSocket sessions. */
export const REPORT_WS = script(`${NOW}
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. (now + tonumber(ARGV[3])))
return 1`);

/** KEYS: lock, record, subscriber. ARGV: token, lockTtlMs, caller key id → {-1} unknown | {0} locked | {1, fields, subscribed}. */
export const ACQUIRE = script(`
local owner = redis.call('HGET', KEYS[2], 'owner')
if not owner or (owner ~= '' and owner ~= ARGV[3]) then return {-1} end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end
return {1, redis.call('HGETALL', KEYS[2]), redis.call('EXISTS', KEYS[3])}`);

/** KEYS: lock, record, live set. ARGV: token, buffered, nextSeq, ttlMs, id → 1 | 0 lock lost | -1 gone. */
export const COMMIT = script(`${NOW}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
redis.call('HSET', KEYS[2], 'buffered', ARGV[2], 'next_seq', ARGV[3], 'last_used_ms', now)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[3], 'XX', now + tonumber(ARGV[4]), ARGV[5])
return 1`);

/** KEYS: lock, record, live set. ARGV: token, lockTtlMs, ttlMs, id → 1 | 0 (lock lost). Work in flight keeps a session alive. */
export const TOUCH = script(`${NOW}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if redis.call('PEXPIRE', KEYS[2], ARGV[3]) == 1 then
  redis.call('ZADD', KEYS[3], 'XX', now + tonumber(ARGV[3]), ARGV[4])
end
return 1`);

/** KEYS: key. ARGV: token, ttlMs → 1 | 0: extends a key only its holder may extend. */
export const EXTEND = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`);

/** KEYS: key. ARGV: token → 1 | 0: deletes a lock only its holder may delete. */
export const RELEASE = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`);

/** KEYS: record, live set. ARGV: id, caller key id → 1 | 0 (unknown or another key's). */
export const DELETE = script(`
local owner = redis.call('HGET', KEYS[1], 'owner')
if not owner or (owner ~= '' and owner ~= ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`);

/** KEYS: totals, recent. ARGV: durationS, generationS, rtf, recent JSON, recent limit. */
export const RECORD_STATS = script(`
redis.call('HINCRBY', KEYS[1], 'total', 1)
redis.call('HINCRBYFLOAT', KEYS[1], 'audio_s', ARGV[1])
redis.call('HINCRBYFLOAT', KEYS[1], 'generation_s', ARGV[2])
redis.call('HINCRBYFLOAT', KEYS[1], 'rtf_sum', ARGV[3])
redis.call('LPUSH', KEYS[2], ARGV[4])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[5]) - 1)
return 1`);
