-- Moves a session to the claiming node and returns the events its client missed.
-- KEYS: 1 session, 2 log. ARGV: 1 secret, 2 user ('' when anonymous), 3 namespace, 4 node, 5 offset.
-- Returns {'ok', previous node, generation, entry, ...} or {'refused', reason}.
local stored = redis.call('HMGET', KEYS[1], 'secret', 'user', 'nsp', 'node', 'floor')
if not stored[1] then
  return {'refused', 'unknown'}
end
if stored[1] ~= ARGV[1] then
  return {'refused', 'secret'}
end
if (stored[2] or '') ~= ARGV[2] then
  return {'refused', 'user'}
end
if stored[3] ~= ARGV[3] then
  return {'refused', 'namespace'}
end
local offset = tonumber(ARGV[5])
if tonumber(stored[5] or '0') > offset then
  return {'refused', 'offset'}
end
redis.call('HSET', KEYS[1], 'node', ARGV[4])
local generation = redis.call('HINCRBY', KEYS[1], 'gen', 1)
redis.call('PERSIST', KEYS[1])
local result = {'ok', stored[4], tostring(generation)}
local kept = 0
for _, entry in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
  if tonumber(string.match(entry, '^(%d+)')) > offset then
    result[#result + 1] = entry
  else
    kept = kept + 1
  end
end
if kept > 0 then
  redis.call('LTRIM', KEYS[2], kept, -1)
end
return result
