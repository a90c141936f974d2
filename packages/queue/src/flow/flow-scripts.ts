import { LuaScript } from '../lua-script.ts';
import { FLOW_LUA } from './flow-lua.ts';

/** Sets `P`, `F` and `nowMs`, then the shared functions (flow-lua.ts). */
export const FLOW_PRELUDE = `
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
export const HOLD_LUA = `${FLOW_PRELUDE}
local id = ARGV[2]
if redis.call('LREM', KEYS[1], 1, id) == 0 and redis.call('ZREM', KEYS[2], id) == 0 then
  return 0
end
holdJob(id, ARGV[3], cjson.decode(ARGV[3]), tonumber(ARGV[4]))
return 1
`;

/**
 * At the start of an attempt of a job with a flow spec. A job the dispatch
 * handed over runs (its slot confirmed, its reserved token spent: a rate
 * limit counts starts); a job that reached a worker
 * another way (a retry after backoff, a restart after a stall, a delayed
 * job's first run) takes a slot and a token now, or goes back to its lane
 * (out of `active`, its lock released) without spending an attempt.
 *
 * Several jobs per call: the starts of one event-loop turn share it.
 *
 * KEYS: active, stalled. ARGV: queue prefix, grace, then per job: id, cvf,
 * priority, lock token.
 * Returns per job, in order: { 'run', lease } (lease 0 = no slot; else
 * -start, see liveHolders), { 'held' }, { 'lost' } or { 'error', message }
 * (that job's gate failed; Redis keeps what it wrote before).
 */
export const START_GATE_SCRIPT = new LuaScript(`${FLOW_PRELUDE}
local grace, now = tonumber(ARGV[2]), nil
-- Redis's clock is read once, and only for a job with limits.
local function clock()
  now = now or nowMs()
  return now
end
local function gate(id, cvf, priority, token)
  local spec = cjson.decode(cvf)
  local jobKey = P .. id
  local f = redis.call('HMGET', jobKey, 'cvd', 'cvf')
  if f[1] == '1' then redis.call('HDEL', jobKey, 'cvd') end
  -- A job never through its lane (a delayed add, a schedule's fire) goes
  -- there first; any other start takes its slot and a token now.
  local go = f[2] ~= false
  if go and spec.c then go = slotFree(spec, id, clock(), grace) end
  if go and spec.r then go = takeToken(spec, id, clock(), grace) end
  if go then
    if not spec.c then return { 'run', 0 } end
    local start = clock()
    takeSlot(spec, id, start, -start)
    return { 'run', -start }
  end
  local lock = redis.call('GET', jobKey .. ':lock')
  if lock ~= token then return { 'lost' } end
  redis.call('DEL', jobKey .. ':lock')
  -- It did not start: BullMQ's fetch stamped it as if it had.
  redis.call('HDEL', jobKey, 'processedOn')
  redis.call('SREM', KEYS[2], id)
  redis.call('LREM', KEYS[1], -1, id)
  if spec.c then redis.call('ZREM', F .. 'slots:' .. spec.l, id) end
  if spec.r then redis.call('ZREM', F .. 'bucket:' .. spec.r[3] .. ':res', id) end
  holdJob(id, cvf, spec, priority)
  return { 'held' }
end
local verdicts = {}
for i = 3, #ARGV, 4 do
  -- One job's failure (a spec cjson cannot read, a key of the wrong type)
  -- is its own: the others still get theirs.
  local ok, v = pcall(gate, ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3])
  if not ok then v = { 'error', type(v) == 'table' and tostring(v.err) or tostring(v) } end
  verdicts[#verdicts + 1] = v
end
return verdicts
`);

/**
 * When an attempt ends: frees the job's slot if it still holds the lease it
 * took (a later attempt's lease is not ours to free) and wakes its lane.
 *
 * KEYS: the lane's slots set. ARGV: queue prefix, id, lane, lease.
 */
export const RELEASE_SCRIPT = new LuaScript(`${FLOW_PRELUDE}
local id, lane = ARGV[2], ARGV[3]
if tonumber(redis.call('ZSCORE', KEYS[1], id)) ~= tonumber(ARGV[4]) then return 0 end
redis.call('ZREM', KEYS[1], id)
if redis.call('ZSCORE', F .. 'sleep', lane) then
  redis.call('ZADD', F .. 'sleep', nowMs(), lane)
end
return 1
`);
