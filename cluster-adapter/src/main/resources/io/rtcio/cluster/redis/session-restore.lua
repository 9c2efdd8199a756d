-- Puts back the session of a socket its node still has, when the store lost it; never replaces one.
-- KEYS: 1 session. ARGV: 1 secret, 2 node, 3 user ('' when anonymous), 4 namespace, 5 last offset, 6 generation.
-- Returns 1 when it was put back, 0 when a session exists.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'secret', ARGV[1], 'node', ARGV[2], 'user', ARGV[3], 'nsp', ARGV[4],
  'seq', ARGV[5], 'floor', '0', 'gen', ARGV[6])
return 1
