-- Deletes a socket's presence key only if it still names the given node (a compare-and-delete,
-- so a socket that moved to another node meanwhile keeps its entry).
-- KEYS: 1 the socket's node key. ARGV: 1 node id. Returns 1 when deleted, else 0.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
