-- The members of a room in join order, read atomically.
-- KEYS: 1 members, 2 order (see join.lua). Returns {socket, member JSON, ...}.
local result = {}
for _, socket in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
  local member = redis.call('HGET', KEYS[1], socket)
  if member then
    result[#result + 1] = socket
    result[#result + 1] = member
  end
end
return result
