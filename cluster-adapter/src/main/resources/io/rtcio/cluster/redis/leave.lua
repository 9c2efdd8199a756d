-- Leaves a room atomically; drops the leaver's media state, and the whole room when it empties.
-- KEYS: 1 members, 2 order, 3 password, 4 media (see join.lua). ARGV: 1 socket id.
-- Returns {wasMember, roomEmptied} as 0/1.
local members, order, password, media = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local socket = ARGV[1]

redis.call('HDEL', media, socket)
if redis.call('HDEL', members, socket) == 0 then
  return {0, 0}
end
redis.call('LREM', order, 1, socket)
if redis.call('HLEN', members) > 0 then
  return {1, 0}
end
redis.call('DEL', members, order, password, media)
return {1, 1}
