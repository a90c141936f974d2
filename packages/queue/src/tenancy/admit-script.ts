import { LuaScript } from '../lua-script.ts';

/**
 * Admits `n` jobs for one tenant atomically, or refuses them all: the sum of
 * the tenant's open sets (one per queue) plus `n` must stay within its quota,
 * and its token bucket must hold `n` tokens. Configured limits (the tenant's
 * `limits` hash) override the defaults passed in. On success each job given
 * as a pair joins its queue's open set, scored by admission time (for
 * healing): before the job is added, so a refusal here means nothing was
 * stored.
 *
 * Every key is on the tenant's slot (keyspace.ts), so this works on a
 * Redis Cluster as it does on one Redis.
 *
 * KEYS: open set of each queue (Q), `limits`, `rate`.
 * ARGV: Q, default max (-1 = none), default rate (-1 = none), default burst,
 *       now (ms), n, then pairs of (1-based queue index, job id).
 * Returns { 'ok', 0 } | { 'quota', unfinished } | { 'rate', retryAfterMs } | { 'burst', burst }.
 */
export const ADMIT_SCRIPT = new LuaScript(`
local q = tonumber(ARGV[1])
local limits = redis.call('HMGET', KEYS[q + 1], 'maxUnfinished', 'ratePerSecond', 'burst')
local max = tonumber(limits[1] or ARGV[2])
local rate = tonumber(limits[2] or ARGV[3])
local burst = tonumber(limits[3] or ARGV[4])
local now = tonumber(ARGV[5])
local n = tonumber(ARGV[6])
if max >= 0 then
  local open = 0
  for i = 1, q do open = open + redis.call('ZCARD', KEYS[i]) end
  if open + n > max then return { 'quota', open } end
end
if rate >= 0 then
  if n > burst then return { 'burst', burst } end
  local bucket = redis.call('HMGET', KEYS[q + 2], 'tokens', 'at')
  local tokens = tonumber(bucket[1]) or burst
  local at = tonumber(bucket[2]) or now
  tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
  if tokens < n then
    return { 'rate', math.ceil((n - tokens) * 1000 / math.max(rate, 0.001)) }
  end
  redis.call('HSET', KEYS[q + 2], 'tokens', tostring(tokens - n), 'at', now)
  redis.call('PEXPIRE', KEYS[q + 2], math.ceil(burst * 1000 / math.max(rate, 0.001)) + 60000)
end
for i = 7, #ARGV - 1, 2 do
  redis.call('ZADD', KEYS[tonumber(ARGV[i])], now, ARGV[i + 1])
end
return { 'ok', 0 }
`);
