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

-- Live holders of a lane's slots. A started job's lease is scored -start:
-- it holds while its BullMQ lock exists (a killed worker's lapses with its
-- lock). A dispatched one, scored +dispatch, holds for \`grace\` ms while
-- its job exists. Others (dead, removed) are dropped here.
local function liveHolders(slots, now, grace)
  local n = 0
  local all = redis.call('ZRANGE', slots, 0, -1, 'WITHSCORES')
  for i = 1, #all, 2 do
    local id, score = all[i], tonumber(all[i + 1])
    local live
    if score < 0 then live = redis.call('EXISTS', P .. id .. ':lock') == 1
    else live = now - score < grace and redis.call('EXISTS', P .. id) == 1 end
    if live then n = n + 1 else redis.call('ZREM', slots, id) end
  end
  return n
end

-- Whether job \`id\` holds or may take one of its lane's slots.
local function slotFree(spec, id, now, grace)
  local slots = F .. 'slots:' .. spec.l
  return redis.call('ZSCORE', slots, id) or redis.call('ZCARD', slots) < spec.c
    or liveHolders(slots, now, grace) < spec.c
end

-- \`lease\`: +now when dispatched, -now when started (see liveHolders).
local function takeSlot(spec, id, now, lease)
  redis.call('ZADD', F .. 'slots:' .. spec.l, lease, id)
  redis.call('ZADD', F .. 'limiters', now, spec.l)
end

-- A rate limit's bucket: tokens are taken when a job STARTS (so starts, not
-- dispatches, keep the rate); the dispatch reserves one per job it hands
-- out (\`:res\`, by dispatch time), and hands out only what the free tokens
-- cover. A reservation whose job never starts (removed) lapses after grace.
local function freeTokens(spec, now, grace)
  local max, per = spec.r[1], spec.r[2]
  local bucket = F .. 'bucket:' .. spec.r[3]
  local res = bucket .. ':res'
  local b = redis.call('HMGET', bucket, 'tokens', 'at')
  local tokens = tonumber(b[1]) or max
  local at = tonumber(b[2]) or now
  tokens = math.min(max, tokens + math.max(0, now - at) * max / per)
  redis.call('ZREMRANGEBYSCORE', res, '-inf', now - grace)
  local free = tokens - redis.call('ZCARD', res)
  if free < 1 then
    -- Before waiting: a reservation whose job was removed is no one's.
    for _, id in ipairs(redis.call('ZRANGE', res, 0, -1)) do
      if redis.call('EXISTS', P .. id) == 0 then
        redis.call('ZREM', res, id)
        free = free + 1
      end
    end
  end
  return bucket, tokens, free, math.max(at, now)
end

local function tokenWait(spec, free)
  return math.max(1, math.ceil((1 - free) * spec.r[2] / spec.r[1]))
end

-- The dispatch's check: grants job \`id\` its lane's slot and reserves a
-- token, or answers how long the lane should sleep (and why). 0 = granted.
-- A lane waiting for a slot is woken by the release; the 5 s recheck only
-- matters when a holder died without one.
local function admit(spec, id, now, grace)
  if spec.c and not slotFree(spec, id, now, grace) then return 5000, 'concurrency' end
  if spec.r then
    local bucket, _, free = freeTokens(spec, now, grace)
    if free < 1 then return tokenWait(spec, free), 'rate-limit' end
    redis.call('ZADD', bucket .. ':res', now, id)
    redis.call('PEXPIRE', bucket .. ':res', grace + 1000)
  end
  if spec.c then takeSlot(spec, id, now, now) end
  return 0
end

-- The start's take: job \`id\`'s reservation (if any) becomes a token spent.
-- False when no token is free (a retry, a restart): the job waits.
local function takeToken(spec, id, now, grace)
  local bucket = F .. 'bucket:' .. spec.r[3]
  redis.call('ZREM', bucket .. ':res', id)
  local _, tokens, free, at = freeTokens(spec, now, grace)
  if free < 1 then return false end
  redis.call('HSET', bucket, 'tokens', tostring(tokens - 1), 'at', at)
  redis.call('PEXPIRE', bucket, spec.r[2] * 2 + 1000)
  return true
end

-- Puts job \`id\` (already out of BullMQ's lists) into its lane.
local function holdJob(id, cvf, spec, priority)
  local seq = redis.call('INCR', F .. 'seq') % 4294967296
  redis.call('HSET', P .. id, 'cvh', '1', 'cvf', cvf)
  if redis.call('ZADD', F .. 'lane:' .. spec.l, priority * 4294967296 + seq, id) == 1 then
    redis.call('HINCRBY', F .. 'backlog', tenantOfLane(spec.l), 1)
  end
  refreshLane(spec.l)
end
`;
