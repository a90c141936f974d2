/**
 * Lua shared by the flow-control scripts (hold, dispatch, start gate,
 * release). Each script sets `P` (the queue's key prefix, `{Q}:`, where
 * BullMQ keeps job hashes) and `F` (`{Q}:cv:fc:`) first; every key built
 * here starts with one of them, so it stays in the queue's Cluster slot.
 * The layout is documented once, in keyspace.ts.
 *
 * A held job's `cvf` is JSON: `l` its lane (`tenant:job:key`), `c` the
 * lane's concurrency, `r` `[max, perMs, bucketId]`; absent fields are off.
 */
export const FLOW_LUA = `
local function tenantOfLane(lane)
  return string.match(lane, '^([^:]*):')
end

-- A tenant with work joins the fair-share order where the latest dispatch
-- was, or later if it had been served ahead: idling earns no credit.
local function activate(t)
  if redis.call('ZSCORE', F .. 'tenants', t) then return end
  local vt = tonumber(redis.call('GET', F .. 'vt') or '0')
  local old = tonumber(redis.call('HGET', F .. 'pass', t) or '0')
  redis.call('HDEL', F .. 'pass', t)
  redis.call('ZADD', F .. 'tenants', math.max(vt, old), t)
end

-- A lane is ready (in its tenant's ready set, by its head's score) when it
-- holds a job and is not asleep; an empty lane leaves every set.
local function refreshLane(lane)
  local t = tenantOfLane(lane)
  local ready = F .. 't:' .. t .. ':ready'
  local head = redis.call('ZRANGE', F .. 'lane:' .. lane, 0, 0, 'WITHSCORES')
  if #head == 0 then
    redis.call('ZREM', ready, lane)
    redis.call('ZREM', F .. 'sleep', lane)
    redis.call('HDEL', F .. 'why', lane)
    return
  end
  if redis.call('ZSCORE', F .. 'sleep', lane) then return end
  redis.call('ZADD', ready, head[2], lane)
  activate(t)
end

local function sleepLane(lane, untilMs, why)
  redis.call('ZREM', F .. 't:' .. tenantOfLane(lane) .. ':ready', lane)
  redis.call('ZADD', F .. 'sleep', untilMs, lane)
  redis.call('HSET', F .. 'why', lane, why)
end

-- Live holders of a lane's slots: a running job keeps its BullMQ lock; a
-- dispatched one not yet started counts for \`grace\` ms. Others (a killed
-- worker's, a removed job's) are dropped here.
local function liveHolders(slots, now, grace)
  local n = 0
  local all = redis.call('ZRANGE', slots, 0, -1, 'WITHSCORES')
  for i = 1, #all, 2 do
    local id = all[i]
    if now - tonumber(all[i + 1]) < grace or redis.call('EXISTS', P .. id .. ':lock') == 1 then
      n = n + 1
    else
      redis.call('ZREM', slots, id)
    end
  end
  return n
end

-- Grants job \`id\` its lane's slot and a token, or answers how long the lane
-- should sleep (and why). 0 = granted (the slot, if any, leased at \`now\`).
-- A lane waiting for a slot is woken by the release; the 5 s recheck only
-- matters when a holder died without one.
local function admit(spec, id, now, grace)
  local slots
  if spec.c then
    slots = F .. 'slots:' .. spec.l
    if not redis.call('ZSCORE', slots, id) and redis.call('ZCARD', slots) >= spec.c
      and liveHolders(slots, now, grace) >= spec.c then
      return 5000, 'concurrency'
    end
  end
  if spec.r then
    local max, per = spec.r[1], spec.r[2]
    local bucket = F .. 'bucket:' .. spec.r[3]
    local b = redis.call('HMGET', bucket, 'tokens', 'at')
    local tokens = tonumber(b[1]) or max
    local at = tonumber(b[2]) or now
    tokens = math.min(max, tokens + math.max(0, now - at) * max / per)
    if tokens < 1 then return math.max(1, math.ceil((1 - tokens) * per / max)), 'rate-limit' end
    redis.call('HSET', bucket, 'tokens', tostring(tokens - 1), 'at', now)
    redis.call('PEXPIRE', bucket, per * 2 + 1000)
  end
  if slots then
    redis.call('ZADD', slots, now, id)
    redis.call('ZADD', F .. 'limiters', now, spec.l)
  end
  return 0
end

-- Puts job \`id\` (already out of BullMQ's lists) into its lane.
local function holdJob(id, cvf, spec, priority)
  local seq = redis.call('INCR', F .. 'seq')
  redis.call('HSET', P .. id, 'cvh', '1', 'cvf', cvf)
  redis.call('ZADD', F .. 'lane:' .. spec.l, priority * 4294967296 + seq, id)
  redis.call('HINCRBY', F .. 'backlog', tenantOfLane(spec.l), 1)
  refreshLane(spec.l)
end
`;
