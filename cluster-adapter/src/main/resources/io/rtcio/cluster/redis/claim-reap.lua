-- Claims the clean-up of a dead node: granted once while the claim lives, never for a live node.
-- KEYS: 1 the node's lease, 2 its reap claim (one slot: both carry the node's hash tag).
-- ARGV: 1 the claiming node's id, 2 how long the claim lasts (ms). Returns 1 when granted, else 0.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0
