-- Keeps an event for a session held by the expected node.
-- KEYS: 1 session, 2 log. ARGV: 1 expected node, 2 '<event>\n<payload>', 3 window ms, 4 cap,
-- 5 expected holder generation (-1: any).
-- Returns {offset, ''} when kept, {0, node} when another node holds it, {0, ''} when it is gone.
local node = redis.call('HGET', KEYS[1], 'node')
if not node then
  return {0, ''}
end
if node ~= ARGV[1] then
  return {0, node}
end
if ARGV[5] ~= '-1' and (redis.call('HGET', KEYS[1], 'gen') or '0') ~= ARGV[5] then
  return {0, node}
end
local offset = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('RPUSH', KEYS[2], offset .. '\n' .. ARGV[2])
if redis.call('LLEN', KEYS[2]) > tonumber(ARGV[4]) then
  local dropped = redis.call('LPOP', KEYS[2])
  redis.call('HSET', KEYS[1], 'floor', string.match(dropped, '^(%d+)'))
end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return {offset, ''}
