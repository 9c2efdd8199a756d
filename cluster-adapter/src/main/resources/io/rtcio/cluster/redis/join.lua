-- Joins a room atomically: membership, password, capacity, the before-join snapshot, the join.
-- KEYS: 1 members (hash socket -> member JSON), 2 order (list of sockets), 3 password (digest),
--       4 media (hash socket -> media state JSON); all in the room's slot.
-- ARGV: 1 socket id, 2 member JSON, 3 password digest ('' when none given), 4 capacity.
-- Returns {'already'} | {'refused', reason} | {'joined', socket, member, media, ...} with one
-- triple per existing member in join order (media '' when the member has no cached state).
local members, order, password, media = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local socket, member, digest, capacity = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])

if redis.call('HEXISTS', members, socket) == 1 then
  return {'already'}
end
local size = redis.call('HLEN', members)
if size == 0 then
  -- a new room: its first joiner sets the password, if any
  redis.call('DEL', order, password)
  if digest ~= '' then
    redis.call('SET', password, digest)
  end
else
  local required = redis.call('GET', password)
  if required then
    if digest == '' then
      return {'refused', 'PASSWORD_REQUIRED'}
    end
    if digest ~= required then
      return {'refused', 'WRONG_PASSWORD'}
    end
  end
  if size >= capacity then
    return {'refused', 'ROOM_FULL'}
  end
end

local result = {'joined'}
for _, other in ipairs(redis.call('LRANGE', order, 0, -1)) do
  result[#result + 1] = other
  result[#result + 1] = redis.call('HGET', members, other) or ''
  result[#result + 1] = redis.call('HGET', media, other) or ''
end
redis.call('HSET', members, socket, member)
redis.call('RPUSH', order, socket)
return result
