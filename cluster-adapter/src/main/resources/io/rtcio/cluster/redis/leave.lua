-- Leaves a room atomically; drops the leaver's media state, and the whole room when it empties.
-- KEYS: 1 members, 2 order, 3 password, 4 media (see join.lua). ARGV: 1 socket id.
-- Returns {0} when the socket was not a member, else {1, roomEmptied (0/1), removed member JSON,
-- socket, member JSON, ...} with one pair per remaining member in join order: the members this
-- very step leaves behind, who are the ones to tell of the departure.
local members, order, password, media = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local socket = ARGV[1]

redis.call('HDEL', media, socket)
local removed = redis.call('HGET', members, socket)
if not removed then
  return {0}
end
redis.call('HDEL', members, socket)
redis.call('LREM', order, 1, socket)
if redis.call('HLEN', members) == 0 then
  redis.call('DEL', members, order, password, media)
  return {1, 1, removed}
end
local result = {1, 0, removed}
for _, other in ipairs(redis.call('LRANGE', order, 0, -1)) do
  local member = redis.call('HGET', members, other)
  if member then
    result[#result + 1] = other
    result[#result + 1] = member
  end
end
return result
