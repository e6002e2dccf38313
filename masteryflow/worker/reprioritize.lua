--[[
  Re-place waiting jobs at new priorities, the way Bull places a prioritized job
  (bull/lib/commands/includes/addJobWithPriority.lua), atomically.

  KEYS[1] wait, KEYS[2] paused, KEYS[3] meta-paused, KEYS[4] priority (ZSET)
  ARGV    job id, new priority, job id, new priority, ... (callers pass ascending job ids)

  A job that is no longer waiting (taken by a worker since it was read) is left alone.
  Returns the number of jobs re-placed.
]]
local rcall = redis.call

local target = KEYS[1]
if rcall("EXISTS", KEYS[3]) == 1 then
  target = KEYS[2]
end

local placed = 0
for i = 1, #ARGV, 2 do
  local jobId = ARGV[i]
  local priority = ARGV[i + 1]
  if rcall("ZSCORE", KEYS[4], jobId) and rcall("LREM", target, 1, jobId) == 1 then
    rcall("ZADD", KEYS[4], priority, jobId)
    -- behind every waiting job of equal or better priority, ahead of the others
    local count = rcall("ZCOUNT", KEYS[4], 0, priority)
    local len = rcall("LLEN", target)
    local nextId = rcall("LINDEX", target, len - (count - 1))
    if nextId then
      rcall("LINSERT", target, "BEFORE", nextId, jobId)
    else
      rcall("RPUSH", target, jobId)
    end
    placed = placed + 1
  end
end
return placed
