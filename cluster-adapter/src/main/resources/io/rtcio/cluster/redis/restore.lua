-- Puts back a membership after the shared state was lost: no capacity or password check.
-- KEYS: 1 members, 2 order, 3 password, 4 media (see join.lua).
-- ARGV: 1 socket id, 2 member JSON, 3 password digest ('' when none), 4 media JSON ('' when none).
-- Idempotent: an existing member keeps its place; a password is set only when the room has none.
-- Returns {socket, member JSON, ...}: the other members as this step saw them, in join order.
local members, order, password, media = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local socket, member, digest, state = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

if digest ~= '' and redis.call('EXISTS', password) == 0 then
  redis.call('SET', password, digest)
end
if redis.call('HSETNX', members, socket, member) == 1 then
  redis.call('RPUSH', order, socket)
end
if state ~= '' then
  redis.call('HSET', media, socket, state)
end
local result = {}
for _, other in ipairs(redis.call('LRANGE', order, 0, -1)) do
  if other ~= socket then
    local stored = redis.call('HGET', members, other)
    if stored then
      result[#result + 1] = other
      result[#result + 1] = stored
    end
  end
end
return result
