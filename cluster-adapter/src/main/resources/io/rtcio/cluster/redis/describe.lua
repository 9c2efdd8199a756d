-- Size and password flag of a room, read atomically.
-- KEYS: 1 members, 2 password (see join.lua). Returns {size, 0/1}.
return {redis.call('HLEN', KEYS[1]), redis.call('EXISTS', KEYS[2])}
