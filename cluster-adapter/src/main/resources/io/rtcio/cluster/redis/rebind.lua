-- Re-points an existing membership (a socket recovered on another node), keeping its place.
-- KEYS: 1 members, 2 order, 3 password, 4 media (see join.lua). ARGV: 1 socket id, 2 member JSON.
-- Returns {socket, member JSON, ...}: every member in join order, or {} when the socket is not one.
local members, order = KEYS[1], KEYS[2]
if redis.call('HEXISTS', members, ARGV[1]) == 0 then
  return {}
end
redis.call('HSET', members, ARGV[1], ARGV[2])
local result = {}
for _, socket in ipairs(redis.call('LRANGE', order, 0, -1)) do
  local stored = redis.call('HGET', members, socket)
  if stored then
    result[#result + 1] = socket
    result[#result + 1] = stored
  end
end
return result
