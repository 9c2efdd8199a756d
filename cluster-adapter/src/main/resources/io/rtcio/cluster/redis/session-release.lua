-- Deletes a session and its log if the given node holds it.
-- KEYS: 1 session, 2 log. ARGV: 1 node. Returns 1 when deleted.
if redis.call('HGET', KEYS[1], 'node') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
