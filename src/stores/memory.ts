import { invalidArgument } from '../client/errors.js'
import { admissionWindow } from './admissions.js'
import { checkKey, checkLimit, checkTtl, checkValue } from './arguments.js'
import { LOGIN_KEY_PREFIX, type Lock, type Store } from './store.js'

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most values kept, locks and login attempts apart; when full, expired values go first, then
   * the oldest written. Default `100_000`.
   */
  maxEntries?: number
  /**
   * Most locks held at once. Locks are never evicted: when this many are live, `lock()` resolves
   * `undefined` (as if taken by someone else) until one is released or expires. Default `10_000`.
   */
  maxLocks?: number
  /** The clock, in ms since the epoch. Default `Date.now`; tests pass their own. */
  now?: () => number
}

/** A {@link Store} in this process's memory, with a few extras for tests and monitoring. */
export interface MemoryStore extends Store {
  /** Values and locks held now, expired ones not yet swept included. */
  readonly size: number
  /** Removes everything, locks and admissions included. */
  clear(): void
}

interface Entry {
  value: string
  expiresAt: number
}

/** Values under one eviction policy, swept for expiry a few at a time. */
interface Space {
  entries: Map<string, Entry>
  /** Goes round the values, checking a few for expiry on each write. */
  sweeper: IterableIterator<string>
}

// Values examined for expiry on each write: enough to keep pace with writes, without timers.
const SWEEP_PER_WRITE = 8
// Examined on a write to a full store before the oldest live value is evicted instead.
const SWEEP_WHEN_FULL = 8

/**
 * The default store: a bounded map in this process's memory. Expired entries are removed lazily on
 * access and a few at a time on each write (no timer per key), and the number of values never
 * exceeds `maxEntries`. Login attempts (keys under `login:`) live in a space of their own that is
 * never evicted, bounded by {@link Store.admit} instead: a flood of logins that never come back
 * gets "busy" and can push out neither sessions and tokens nor a login in progress. Locks live in
 * a map of their own that eviction never touches either, so a held lock stays held. For one
 * process only: use `wxauth/redis` when the app runs on several.
 *
 * @example
 * const store = memoryStore({ maxEntries: 50_000 })
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxEntries = options.maxEntries ?? 100_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw invalidArgument('maxEntries must be a positive integer')
  }
  const maxLocks = options.maxLocks ?? 10_000
  if (!Number.isInteger(maxLocks) || maxLocks < 1) {
    throw invalidArgument('maxLocks must be a positive integer')
  }
  const now = options.now ?? Date.now
  if (typeof now !== 'function') throw invalidArgument('now must be a function returning ms')

  // Map iteration follows insertion order, and a re-set moves a key to the end: the oldest written
  // come first. The iterators are kept across calls: a new iterator starts at the front of the
  // map's table and walks over every slot deleted since its last compaction, which on a full store
  // (one eviction per write) would make each write cost up to the table's size.
  const values = space()
  const attempts = space()
  // Deletes every key it yields, so what it yields next is always the oldest value.
  let evictor = values.entries.keys()
  const admissions = admissionWindow()

  const locks = new Map<string, Entry>()
  // No lock expires before this, a lower bound kept on every take: while the clock is before it,
  // a full lock map has nothing to sweep, which spares a scan on each lock() refused.
  let earliestLock = Number.POSITIVE_INFINITY

  const spaceOf = (key: string): Space => (key.startsWith(LOGIN_KEY_PREFIX) ? attempts : values)

  function live(map: Map<string, Entry>, key: string, at: number): Entry | undefined {
    const entry = map.get(key)
    if (!entry) return undefined
    if (entry.expiresAt > at) return entry
    map.delete(key)
    return undefined
  }

  function sweep(target: Space, at: number, count: number): void {
    const { entries } = target
    for (let i = 0; i < count && entries.size > 0; i++) {
      let next = target.sweeper.next()
      if (next.done) {
        target.sweeper = entries.keys()
        next = target.sweeper.next()
        if (next.done) return
      }
      const entry = entries.get(next.value)
      if (entry && entry.expiresAt <= at) entries.delete(next.value)
    }
  }

  function evictOldest(): void {
    let next = evictor.next()
    if (next.done) {
      evictor = values.entries.keys()
      next = evictor.next()
      if (next.done) return
    }
    values.entries.delete(next.value)
  }

  function write(key: string, entry: Entry, at: number): void {
    const target = spaceOf(key)
    const { entries } = target
    sweep(target, at, SWEEP_PER_WRITE)
    entries.delete(key)
    if (target === values) {
      if (entries.size >= maxEntries) sweep(target, at, SWEEP_WHEN_FULL)
      while (entries.size >= maxEntries) evictOldest()
    }
    entries.set(key, entry)
  }

  /** Whether a lock can be added, after sweeping expired locks when the map is full. */
  function roomForLock(at: number): boolean {
    if (locks.size < maxLocks) return true
    if (at < earliestLock) return false
    earliestLock = Number.POSITIVE_INFINITY
    for (const [name, entry] of locks) {
      if (entry.expiresAt <= at) locks.delete(name)
      else if (entry.expiresAt < earliestLock) earliestLock = entry.expiresAt
    }
    return locks.size < maxLocks
  }

  return {
    get size() {
      return values.entries.size + attempts.entries.size + locks.size
    },
    clear() {
      for (const target of [values, attempts]) {
        target.entries.clear()
        target.sweeper = target.entries.keys()
      }
      evictor = values.entries.keys()
      admissions.clear()
      locks.clear()
      earliestLock = Number.POSITIVE_INFINITY
    },
    async set(key, value, ttl) {
      checkKey(key)
      checkValue(value)
      const at = now()
      write(key, { value, expiresAt: at + checkTtl(ttl) }, at)
    },
    async admit(key, value, ttl, limit) {
      checkKey(key)
      checkValue(value)
      const lifetime = checkTtl(ttl)
      checkLimit(limit)
      const at = now()
      if (!admissions.admit(at, at + lifetime, limit)) return false
      write(key, { value, expiresAt: at + lifetime }, at)
      return true
    },
    async add(key, value, ttl) {
      checkKey(key)
      checkValue(value)
      const lifetime = checkTtl(ttl)
      // The check and the write share one synchronous step: no other call runs in between.
      const at = now()
      if (live(spaceOf(key).entries, key, at)) return false
      write(key, { value, expiresAt: at + lifetime }, at)
      return true
    },
    async swap(key, expected, value, ttl) {
      checkKey(key)
      checkValue(expected)
      checkValue(value)
      const lifetime = checkTtl(ttl)
      // The comparison and the write share one synchronous step: no other call runs in between.
      const at = now()
      if (live(spaceOf(key).entries, key, at)?.value !== expected) return false
      write(key, { value, expiresAt: at + lifetime }, at)
      return true
    },
    async get(key) {
      return live(spaceOf(checkKey(key)).entries, key, now())?.value
    },
    async consume(key) {
      const { entries } = spaceOf(checkKey(key))
      const entry = live(entries, key, now())
      if (!entry) return undefined
      entries.delete(key)
      return entry.value
    },
    async delete(key) {
      spaceOf(checkKey(key)).entries.delete(key)
    },
    async lock(key, ttl) {
      const name = checkKey(key)
      const lifetime = checkTtl(ttl)
      const at = now()
      if (live(locks, name, at)) return undefined
      // Fails closed: a lock that cannot be recorded is not handed out.
      if (!roomForLock(at)) return undefined
      const token = crypto.randomUUID()
      const expiresAt = at + lifetime
      locks.set(name, { value: token, expiresAt })
      if (expiresAt < earliestLock) earliestLock = expiresAt
      return memoryLock(token, expiresAt, () => {
        const held = live(locks, name, now())
        if (held?.value !== token) return false
        locks.delete(name)
        return true
      })
    },
  }
}

function space(): Space {
  const entries = new Map<string, Entry>()
  return { entries, sweeper: entries.keys() }
}

function memoryLock(token: string, expiresAt: number, release: () => boolean): Lock {
  return { token, expiresAt, release: async () => release() }
}
