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
