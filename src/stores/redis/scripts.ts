/** `GETDEL` for servers older than Redis 6.2. @internal */
export const CONSUME =
  "local v = redis.call('get', KEYS[1]) if v then redis.call('del', KEYS[1]) end return v"

/** Deletes a lock only while it still holds the caller's token. @internal */
export const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

/**
 * Replaces a value only while it is exactly `ARGV[1]`: `ARGV[2]` for `ARGV[3]` ms; 1 when replaced.
 * A missing key (Redis never returns an expired one) reads as false, which equals no value.
 * @internal
 */
export const SWAP =
  "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end"

/**
 * Counts an admission in the sorted set `KEYS[1]` (member `ARGV[4]`, scored by when it stops
 * counting) when fewer than `ARGV[3]` are counted at `ARGV[1]` ms; `ARGV[2]` is its ttl. The set
 * expires once its last admission does. 1 when admitted.
 * @internal
 */
export const ADMIT = `local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
redis.call('zremrangebyscore', KEYS[1], '-inf', now)
if redis.call('zcard', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('zadd', KEYS[1], now + ttl, ARGV[4])
if redis.call('pttl', KEYS[1]) < ttl then redis.call('pexpire', KEYS[1], ttl) end
return 1`
