-- Marks a session away: a TTL of the window, if the given node holds it.
-- KEYS: 1 session, 2 log. ARGV: 1 node, 2 window ms.
-- Returns the node holding the session after the call ('' when there is none).
local node = redis.call('HGET', KEYS[1], 'node')
if not node then
  return ''
end
if node ~= ARGV[1] then
  return node
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return node
