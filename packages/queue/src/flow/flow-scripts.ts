import { LuaScript } from '../lua-script.ts';
import { FLOW_LUA } from './flow-lua.ts';

const PRELUDE = `
local P = ARGV[1]
local F = P .. 'cv:fc:'
-- Redis's clock, not the callers': hosts' clocks differ, buckets must not.
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
${FLOW_LUA}
`;

/**
 * Run in the add's transaction right after BullMQ's add: takes the job out
 * of BullMQ's `wait` list (or `prioritized` set) into its lane. A job the
 * add put elsewhere (delayed) stays there and is held at its first start.
 *
 * KEYS: wait, prioritized. ARGV: queue prefix, id, cvf, priority.
 * Returns 1 when held, 0 when the job was not waiting.
 */
export const HOLD_LUA = `${PRELUDE}
local id = ARGV[2]
if redis.call('LREM', KEYS[1], 1, id) == 0 and redis.call('ZREM', KEYS[2], id) == 0 then
  return 0
end
holdJob(id, ARGV[3], cjson.decode(ARGV[3]), tonumber(ARGV[4]))
return 1
`;

/**
 * Hands held jobs to BullMQ's `wait` list until it holds `target` jobs:
 * each pick takes the tenant with the lowest pass (stride scheduling: its
 * pass then grows by 1/weight), that tenant's ready lane whose head came
 * first (priority, then FIFO), and the head job, if its slot and token are
 * free; else the lane sleeps. Mirrors BullMQ's `promote` for the push
 * (LPUSH, then the base marker unless the queue is paused or maxed).
 *
 * KEYS: wait, active, meta, marker.
 * ARGV: queue prefix, target, grace (ms a dispatched job's slot is kept
 * before it starts). Time is Redis's (TIME), the same for every process.
 * Returns the number of jobs dispatched.
 */
export const DISPATCH_SCRIPT = new LuaScript(`${PRELUDE}
local now, target, grace = nowMs(), tonumber(ARGV[2]), tonumber(ARGV[3])
local meta = redis.call('HMGET', KEYS[3], 'paused', 'concurrency')
if meta[1] then return 0 end
for _, lane in ipairs(redis.call('ZRANGEBYSCORE', F .. 'sleep', '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', F .. 'sleep', lane)
  redis.call('HDEL', F .. 'why', lane)
  refreshLane(lane)
end
-- Sweep a few idle limiters: a key never used again must not keep a slot.
for _, lane in ipairs(redis.call('ZRANGEBYSCORE', F .. 'limiters', '-inf', now - grace, 'LIMIT', 0, 3)) do
  if liveHolders(F .. 'slots:' .. lane, now, grace) == 0 then redis.call('ZREM', F .. 'limiters', lane)
  else redis.call('ZADD', F .. 'limiters', now, lane) end
end
-- A tenant whose lanes keep failing admission (its keys full, its buckets
-- empty) is skipped for the rest of this run after a few tries, so one
-- tenant's blocked keys cannot use up a run other tenants could use.
local fails, skipped = {}, 0
local room = target - redis.call('LLEN', KEYS[1])
local sent, steps = 0, 0
while sent < room and steps < room * 4 + 50 do
  steps = steps + 1
  local t, pass
  local top = redis.call('ZRANGE', F .. 'tenants', 0, skipped, 'WITHSCORES')
  for i = 1, #top, 2 do
    if (fails[top[i]] or 0) < 3 then t, pass = top[i], tonumber(top[i + 1]) break end
  end
  if not t then break end
  local ready = F .. 't:' .. t .. ':ready'
  local first = redis.call('ZRANGE', ready, 0, 0)
  if #first == 0 then
    redis.call('ZREM', F .. 'tenants', t)
    redis.call('HSET', F .. 'pass', t, pass)
  else
    local lane = first[1]
    local head = redis.call('ZRANGE', F .. 'lane:' .. lane, 0, 0)
    local id = head[1]
    local f = id and redis.call('HMGET', P .. id, 'cvh', 'cvf') or {}
    local ok, spec = pcall(cjson.decode, f[2] or '')
    if not id then
      refreshLane(lane)
    elseif f[1] ~= '1' then
      -- removed or cancelled while held
      redis.call('ZREM', F .. 'lane:' .. lane, id)
      redis.call('HINCRBY', F .. 'backlog', t, -1)
      refreshLane(lane)
    else
      -- A damaged spec must not stop the queue: the start gate applies the contract's.
      if not ok or type(spec) ~= 'table' then spec = { l = lane } end
      local wait, why = admit(spec, id, now, grace)
      if wait > 0 then
        sleepLane(lane, now + wait, why)
        fails[t] = (fails[t] or 0) + 1
        if fails[t] == 3 then skipped = skipped + 1 end
      else
        redis.call('ZREM', F .. 'lane:' .. lane, id)
        redis.call('HDEL', P .. id, 'cvh')
        -- As BullMQ's promote: a delay served is no longer pending.
        redis.call('HSET', P .. id, 'cvd', '1', 'delay', 0)
        redis.call('HINCRBY', F .. 'backlog', t, -1)
        redis.call('LPUSH', KEYS[1], id)
        refreshLane(lane)
        local weight = tonumber(redis.call('HGET', F .. 'weights', t) or '1') or 1
        redis.call('SET', F .. 'vt', tostring(pass))
        redis.call('ZADD', F .. 'tenants', 'XX', pass + 1 / math.max(weight, 0.001), t)
        sent = sent + 1
      end
    end
  end
end
if sent > 0 then
  local maxed = meta[2] and redis.call('LLEN', KEYS[2]) >= tonumber(meta[2])
  if not maxed then redis.call('ZADD', KEYS[4], 0, '0') end
end
return sent
`);

/**
 * At the start of an attempt of a job with a flow spec. A job the dispatch
 * handed over runs (its slot confirmed, its reserved token spent: a rate
 * limit counts starts); a job that reached a worker
 * another way (a retry after backoff, a restart after a stall, a delayed
 * job's first run) takes a slot and a token now, or goes back to its lane
 * (out of `active`, its lock released) without spending an attempt.
 *
 * KEYS: active, stalled. ARGV: queue prefix, id, cvf, priority, grace,
 * lock token.
 * Returns { 'run', lease } (lease 0 = no slot; else -start, see
 * liveHolders), { 'held' } or { 'lost' }.
 */
export const START_GATE_SCRIPT = new LuaScript(`${PRELUDE}
local id, cvf, now, grace = ARGV[2], ARGV[3], nowMs(), tonumber(ARGV[5])
local spec = cjson.decode(cvf)
local jobKey = P .. id
local f = redis.call('HMGET', jobKey, 'cvd', 'cvf')
if f[1] == '1' then redis.call('HDEL', jobKey, 'cvd') end
-- A job never through its lane (a delayed add, a schedule's fire) goes
-- there first; any other start takes its slot and a token now.
local go = f[2] ~= false
if go and spec.c then go = slotFree(spec, id, now, grace) end
if go and spec.r then go = takeToken(spec, id, now, grace) end
if go then
  if not spec.c then return { 'run', 0 } end
  takeSlot(spec, id, now, -now)
  return { 'run', -now }
end
local lock = redis.call('GET', jobKey .. ':lock')
if lock ~= ARGV[6] then return { 'lost' } end
redis.call('DEL', jobKey .. ':lock')
-- It did not start: BullMQ's fetch stamped it as if it had.
redis.call('HDEL', jobKey, 'processedOn')
redis.call('SREM', KEYS[2], id)
redis.call('LREM', KEYS[1], -1, id)
if spec.c then redis.call('ZREM', F .. 'slots:' .. spec.l, id) end
if spec.r then redis.call('ZREM', F .. 'bucket:' .. spec.r[3] .. ':res', id) end
holdJob(id, cvf, spec, tonumber(ARGV[4]))
return { 'held' }
`);

/**
 * When an attempt ends: frees the job's slot if it still holds the lease it
 * took (a later attempt's lease is not ours to free) and wakes its lane.
 *
 * KEYS: the lane's slots set. ARGV: queue prefix, id, lane, lease.
 */
export const RELEASE_SCRIPT = new LuaScript(`${PRELUDE}
local id, lane = ARGV[2], ARGV[3]
if tonumber(redis.call('ZSCORE', KEYS[1], id)) ~= tonumber(ARGV[4]) then return 0 end
redis.call('ZREM', KEYS[1], id)
if redis.call('ZSCORE', F .. 'sleep', lane) then
  redis.call('ZADD', F .. 'sleep', nowMs(), lane)
end
return 1
`);
