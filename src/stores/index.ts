export { MAX_KEY_LENGTH, MAX_TTL, MAX_VALUE_BYTES } from './arguments.js'
export { STORE_TIMEOUT, STORE_UNAVAILABLE, StoreError } from './errors.js'
export { type MemoryStore, type MemoryStoreOptions, memoryStore } from './memory.js'
export { LOGIN_KEY_PREFIX, type Lock, type Store } from './store.js'
