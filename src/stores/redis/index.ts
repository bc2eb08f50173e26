/**
 * wxauth/redis: a {@link Store} in Redis, over an ioredis or node-redis client the app provides.
 *
 * @module wxauth/redis
 */
export { STORE_TIMEOUT, STORE_UNAVAILABLE, StoreError } from '../errors.js'
export type { Lock, Store } from '../store.js'
export type { IoRedisClient, NodeRedisClient, RedisClient } from './commands.js'
export { type RedisStore, type RedisStoreOptions, redisStore } from './store.js'
