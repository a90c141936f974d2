import { LuaScript } from '../lua-script.ts';
import { FLOW_PRELUDE } from './flow-scripts.ts';

/**
 * One run's view of the lanes it takes from, so a step costs a few commands
 * rather than a dozen: a lane's next heads are read in one ZRANGE, the jobs
 * taken leave the lane in one ZREM, a tenant keeps its first lane while
 * that lane's head still comes before its second (read once), and backlog
 * counts, ready scores and the pushes are written once, at the end. Every
 * read of a lane's own set goes through `flushLane` first, so nothing reads
 * a job this run already took. Redis keeps a failed script's writes, so a
 * job is recorded as pushed before any of its own writes, and the end's
 * writes run whatever failed on the way (see the run's loop).
 */
const RUN_STATE_LUA = `
local heads, taken, moved, firstLane, backlog, weights = {}, {}, {}, {}, {}, {}
local pushed = {}
-- Lua's unpack takes a few thousand values at most: commands of 500 ids.
local function inChunks(cmd, key, ids)
  for i = 1, #ids, 500 do
    redis.call(cmd, key, unpack(ids, i, math.min(i + 499, #ids)))
  end
end
local function flushLane(lane)
  local ids = taken[lane]
  if ids then inChunks('ZREM', F .. 'lane:' .. lane, ids) end
  taken[lane] = nil
end
-- The lane's head { id, score }, or nil when it is empty.
local function headOf(lane, want)
  local h = heads[lane]
  if h and h.i <= #h then return h[h.i] end
  flushLane(lane)
  local all = redis.call('ZRANGE', F .. 'lane:' .. lane, 0, want - 1, 'WITHSCORES')
  h = { i = 1 }
  for k = 1, #all, 2 do h[#h + 1] = { all[k], tonumber(all[k + 1]) } end
  heads[lane] = h
  return h[1]
end
local function takeHead(lane, t)
  local h = heads[lane]
  local ids = taken[lane] or {}
  ids[#ids + 1] = h[h.i][1]
  taken[lane] = ids
  h.i = h.i + 1
  backlog[t] = (backlog[t] or 0) - 1
end
-- A lane whose set changed outside the cache (empty, asleep): the real
-- refresh, after its taken jobs have left it.
local function resetLane(lane, t)
  flushLane(lane)
  heads[lane], moved[lane] = nil, nil
  if firstLane[t] and firstLane[t].lane == lane then firstLane[t] = nil end
end
-- The tenant's ready lane whose head came first, and the score of its
-- second (nil: none), read once and kept while that order holds.
local function laneOf(t)
  local c = firstLane[t]
  if c then return c.lane end
  local two = redis.call('ZRANGE', F .. 't:' .. t .. ':ready', 0, 1, 'WITHSCORES')
  if #two == 0 then return nil end
  firstLane[t] = { lane = two[1], second = tonumber(two[4]) }
  return two[1]
end
-- After a take: the lane's next head keeps its place, or moves in the
-- ready set (now if a second lane comes first, else at the end).
local function afterTake(lane, t, want)
  local nextHead = headOf(lane, want)
  if not nextHead then
    resetLane(lane, t)
    refreshLane(lane)
    return
  end
  local c = firstLane[t]
  if c and c.second and nextHead[2] >= c.second then
    redis.call('ZADD', F .. 't:' .. t .. ':ready', nextHead[2], lane)
    moved[lane], firstLane[t] = nil, nil
  else
    moved[lane] = { t, nextHead[2] }
  end
end
local function weightOf(t)
  if not weights[t] then
    weights[t] = tonumber(redis.call('HGET', F .. 'weights', t) or '1') or 1
  end
  return weights[t]
end
-- A spec the run can apply: one of another shape (a bug, a hand edit)
-- would fail every run that reaches its lane.
local function specOk(spec)
  if type(spec) ~= 'table' or type(spec.l) ~= 'string' then return false end
  if spec.c ~= nil and type(spec.c) ~= 'number' then return false end
  local r = spec.r
  if r == nil then return true end
  return type(r) == 'table' and type(r[1]) == 'number' and r[1] > 0
    and type(r[2]) == 'number' and r[2] > 0
    and (type(r[3]) == 'string' or type(r[3]) == 'number')
end
-- The push first: were a later write to fail, a job taken is in \`wait\`
-- (a copy left in its lane, unheld, is dropped by the next run), not lost.
local function writeBack()
  inChunks('LPUSH', KEYS[1], pushed)
  for lane in pairs(taken) do flushLane(lane) end
  for lane, m in pairs(moved) do redis.call('ZADD', F .. 't:' .. m[1] .. ':ready', m[2], lane) end
  for t, n in pairs(backlog) do redis.call('HINCRBY', F .. 'backlog', t, n) end
end
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
 * Returns the number of jobs dispatched; an error only when a failure could
 * not be confined to its lane (the jobs taken before it are out all the same).
 */
export const DISPATCH_SCRIPT = new LuaScript(`${FLOW_PRELUDE}
${RUN_STATE_LUA}
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
local sent, vt, current = 0, nil, nil
local function fail(t)
  fails[t] = (fails[t] or 0) + 1
  if fails[t] == 3 then skipped = skipped + 1 end
end
-- One pick from tenant t's lane (\`current\`, for a step that fails).
local function step(t, pass, want)
  current = nil
  local lane = laneOf(t)
  current = lane
  local head = lane and headOf(lane, want)
  if not lane then
    redis.call('ZREM', F .. 'tenants', t)
    redis.call('HSET', F .. 'pass', t, pass)
    return
  elseif not head then
    resetLane(lane, t)
    return refreshLane(lane)
  end
  local id = head[1]
  local f = redis.call('HMGET', P .. id, 'cvh', 'cvf')
  if f[1] ~= '1' then
    -- removed or cancelled while held
    takeHead(lane, t)
    return afterTake(lane, t, want)
  end
  local ok, spec = pcall(cjson.decode, f[2] or '')
  -- A damaged spec must not stop the queue: the start gate applies the contract's.
  if not ok or not specOk(spec) then spec = { l = lane } end
  local wait, why = admit(spec, id, now, grace)
  if wait > 0 then
    resetLane(lane, t)
    sleepLane(lane, now + wait, why)
    return fail(t)
  end
  takeHead(lane, t)
  pushed[#pushed + 1], sent = id, sent + 1
  redis.call('HDEL', P .. id, 'cvh')
  -- As BullMQ's promote: a delay served is no longer pending.
  redis.call('HSET', P .. id, 'cvd', '1', 'delay', 0)
  afterTake(lane, t, want)
  vt = pass
  redis.call('ZADD', F .. 'tenants', 'XX', pass + 1 / math.max(weightOf(t), 0.001), t)
end
-- A step that fails (a key of the wrong type, say) puts its lane to sleep,
-- as a full one, so the run and the next go on with the others. Nil when
-- it could, else the error.
local function stepFailed(t, err)
  local msg = type(err) == 'table' and tostring(err.err) or tostring(err)
  redis.log(redis.LOG_WARNING, 'flow dispatch, lane ' .. tostring(current) .. ': ' .. msg)
  if not current then return msg end
  local lane = current
  local ok = pcall(function()
    resetLane(lane, t)
    sleepLane(lane, now + 5000, 'error')
  end)
  if not ok then return msg end
  fail(t)
end
local function loop()
  local steps = 0
  while sent < room and steps < room * 4 + 50 do
    steps = steps + 1
    local t, pass
    local top = redis.call('ZRANGE', F .. 'tenants', 0, skipped, 'WITHSCORES')
    for i = 1, #top, 2 do
      if (fails[top[i]] or 0) < 3 then t, pass = top[i], tonumber(top[i + 1]) break end
    end
    if not t then return end
    local ok, err = pcall(step, t, pass, math.min(room - sent, 100))
    if not ok then
      local failure = stepFailed(t, err)
      if failure then return failure end
    end
  end
end
local okLoop, failure = pcall(loop)
if not okLoop then failure = type(failure) == 'table' and tostring(failure.err) or tostring(failure) end
writeBack()
if vt then redis.call('SET', F .. 'vt', tostring(vt)) end
if sent > 0 then
  local maxed = meta[2] and redis.call('LLEN', KEYS[2]) >= tonumber(meta[2])
  if not maxed then redis.call('ZADD', KEYS[4], 0, '0') end
end
-- The jobs taken are out; what failed is the caller's to report.
if failure then return redis.error_reply('ERR flow dispatch: ' .. failure) end
return sent
`);
