import { afterAll, describe, expect, it } from 'vitest'
import { memoryStore } from '../../src/index.js'
import { runStoreConformance } from '../../src/stores/conformance/index.js'

let clock = Date.now()
// One backing per prefix would be trivially isolated; memory stores never share a backing, so each
// create() is a new store, which is what an app gets.
runStoreConformance(
  'memory store',
  {
    create: () => memoryStore({ now: () => clock }),
    advance: (ms) => {
      clock += ms
    },
    now: () => clock,
  },
  { describe, it, afterAll },
)

// Small enough that the suite's writes evict values: what eviction must never break (held locks
// above all).
runStoreConformance(
  'memory store (50 entries)',
  {
    create: () => memoryStore({ maxEntries: 50, now: () => clock }),
    advance: (ms) => {
      clock += ms
    },
    now: () => clock,
  },
  { describe, it, afterAll },
)

describe('memory store bounds', () => {
  it('never holds more than maxEntries; the oldest written go first', async () => {
    const store = memoryStore({ maxEntries: 100 })
    for (let i = 0; i < 1_000; i++) await store.set(`k${i}`, 'v', 60_000)
    expect(store.size).toBe(100)
    expect(await store.get('k899')).toBeUndefined()
    expect(await store.get('k900')).toBe('v')
    expect(await store.get('k999')).toBe('v')
  })

  it('writing a key again makes it the newest, so it survives eviction', async () => {
    const store = memoryStore({ maxEntries: 3 })
    await store.set('a', '1', 60_000)
    await store.set('b', '2', 60_000)
    await store.set('a', '3', 60_000)
    await store.set('c', '4', 60_000)
    await store.set('d', '5', 60_000)
    expect(await store.get('b')).toBeUndefined()
    expect(await store.get('a')).toBe('3')
  })

  it('sweeps expired entries as writes go on, without a timer per key', async () => {
    let now = 0
    const store = memoryStore({ now: () => now, maxEntries: 1_000_000 })
    // A flood of logins that never come back: 10-minute transactions, one per 10 ms, so about
    // 60,000 are live at any time. The sweep must keep the map near that, and not growing.
    const live = 60_000
    const sizes: number[] = []
    for (let i = 0; i < 400_000; i++) {
      await store.set(`tx:${i}`, 'pending', 600_000)
      now += 10
      if (i % 100_000 === 99_999) sizes.push(store.size)
    }
    for (const size of sizes) {
      expect(size).toBeGreaterThanOrEqual(live)
      expect(size).toBeLessThan(live * 1.25)
    }
    expect(Math.max(...sizes.slice(1)) - Math.min(...sizes.slice(1))).toBeLessThan(live * 0.1)
  })

  it('regression (flood evicts sessions): login attempts never push out other values', async () => {
    const store = memoryStore({ maxEntries: 10 })
    for (let i = 0; i < 10; i++) await store.set(`session:${i}`, 'user', 60_000)
    for (let i = 0; i < 100_000; i++) await store.set(`login:tx:${i}`, 'pending', 600_000)
    for (let i = 0; i < 10; i++) expect(await store.get(`session:${i}`)).toBe('user')
    expect(store.size).toBe(100_010)
  })

  it('regression (in-progress logins evicted): a live login attempt or code marker stays until its ttl, however much is written', async () => {
    let now = 0
    const store = memoryStore({ now: () => now, maxEntries: 10 })
    await store.set('login:tx:victim', 'pending', 600_000)
    expect(await store.add('login:code:abc', '1', 300_000)).toBe(true)
    for (let i = 0; i < 10_000; i++) await store.set(`tokens:${i}`, 'sealed', 60_000)
    for (let i = 0; i < 10_000; i++) await store.set(`login:pending:${i}`, '[]', 600_000)
    now += 299_999
    expect(await store.get('login:tx:victim')).toBe('pending')
    expect(await store.add('login:code:abc', '1', 300_000)).toBe(false)
    now += 1
    expect(await store.add('login:code:abc', '1', 300_000)).toBe(true)
    now += 300_000
    expect(await store.consume('login:tx:victim')).toBeUndefined()
  })

  it('sweeps expired login attempts as writes go on', async () => {
    let now = 0
    const store = memoryStore({ now: () => now })
    const live = 60_000
    for (let i = 0; i < 300_000; i++) {
      await store.set(`login:tx:${i}`, 'pending', 600_000)
      now += 10
    }
    expect(store.size).toBeGreaterThanOrEqual(live)
    expect(store.size).toBeLessThan(live * 1.25)
  })

  it('counts admissions for their ttl apart from eviction, and clear() forgets them', async () => {
    let now = 0
    const store = memoryStore({ now: () => now, maxEntries: 10 })
    for (let i = 0; i < 100; i++)
      expect(await store.admit(`login:tx:${i}`, 'p', 1_000, 100)).toBe(true)
    expect(await store.admit('login:tx:x', 'p', 1_000, 100)).toBe(false)
    now += 500
    // A shorter ttl than those before it still ends in its turn.
    expect(await store.admit('login:tx:short', 'p', 100, 101)).toBe(true)
    now += 100
    expect(await store.admit('login:tx:y', 'p', 1_000, 101)).toBe(true)
    store.clear()
    expect(await store.admit('login:tx:z', 'p', 1_000, 1)).toBe(true)
  })

  it('never evicts a live lock: a full store of values keeps it exclusive', async () => {
    const store = memoryStore({ maxEntries: 10 })
    const held = await store.lock('refresh', 60_000)
    expect(held).toBeDefined()
    for (let i = 0; i < 1_000; i++) await store.set(`k${i}`, 'v', 60_000)
    expect(await store.get('k999')).toBe('v')
    expect(await store.lock('refresh', 60_000)).toBeUndefined()
    expect(await held?.release()).toBe(true)
    expect(await store.lock('refresh', 60_000)).toBeDefined()
  })

  it('locks do not take room from values, and fail closed when maxLocks are live', async () => {
    let now = 0
    const store = memoryStore({ now: () => now, maxEntries: 10, maxLocks: 10 })
    const locks = []
    for (let i = 0; i < 10; i++) locks.push(await store.lock(`l${i}`, 1_000 + i))
    expect(locks.every((lock) => lock !== undefined)).toBe(true)
    for (let i = 0; i < 10; i++) await store.set(`k${i}`, 'v', 60_000)
    expect(store.size).toBe(20)
    expect(await store.get('k0')).toBe('v')
    // Full of live locks: a new one is refused rather than taken from a holder.
    expect(await store.lock('other', 1_000)).toBeUndefined()
    expect(await store.lock('l0', 1_000)).toBeUndefined()
    expect(await locks[5]?.release()).toBe(true)
    const other = await store.lock('other', 1_000)
    expect(other).toBeDefined()
    expect(await store.lock('another', 1_000)).toBeUndefined()
    // Expired locks make room again, the earliest first.
    now += 1_000
    expect(await store.lock('another', 1_000)).toBeDefined()
    expect(await store.lock('l1', 1_000)).toBeUndefined()
    expect(await store.lock('l0', 1_000)).toBeDefined()
    now += 5_000
    for (let i = 0; i < 10; i++) expect(await store.lock(`again${i}`, 1_000)).toBeDefined()
  })

  it('a full store evicts expired values before live ones', async () => {
    let now = 0
    const store = memoryStore({ now: () => now, maxEntries: 10 })
    for (let i = 0; i < 5; i++) await store.set(`live${i}`, 'v', 60_000)
    for (let i = 0; i < 5; i++) await store.set(`short${i}`, 'v', 1_000)
    now += 2_000
    for (let i = 0; i < 5; i++) await store.set(`new${i}`, 'v', 60_000)
    for (let i = 0; i < 5; i++) expect(await store.get(`live${i}`)).toBe('v')
    for (let i = 0; i < 5; i++) expect(await store.get(`new${i}`)).toBe('v')
  })

  it('keeps evicting at full speed once full (no walk over deleted slots)', async () => {
    // Each eviction must find the oldest value in constant time. Starting a new iterator at the
    // front of the map instead walks over every slot deleted since the table was last compacted:
    // thousands per write once full, which made the full run below many times slower.
    const size = 200_000
    const writes = 50_000
    async function run(maxEntries: number): Promise<number> {
      const store = memoryStore({ maxEntries })
      for (let i = 0; i < size; i++) await store.set(`k${i}`, 'v', 60_000)
      const started = performance.now()
      for (let i = size; i < size + writes; i++) await store.set(`k${i}`, 'v', 60_000)
      const elapsed = performance.now() - started
      expect(store.size).toBe(Math.min(maxEntries, size + writes))
      return elapsed
    }
    // The best of two runs each, which also warms up the code paths.
    const roomy = Math.min(await run(size * 2), await run(size * 2))
    const full = Math.min(await run(size), await run(size))
    // Eviction costs a delete per write; a generous bound, far below the quadratic walk.
    expect(full).toBeLessThan(roomy * 4 + 50)
  })

  it('add evicts like set when full; a false add leaves the key where it was', async () => {
    let now = 0
    const store = memoryStore({ now: () => now, maxEntries: 3 })
    for (const key of ['a', 'b', 'c']) expect(await store.add(key, key, 60_000)).toBe(true)
    // Not written again, so not made the newest: still the first to go.
    expect(await store.add('a', 'again', 60_000)).toBe(false)
    expect(await store.add('d', 'd', 60_000)).toBe(true)
    expect(store.size).toBe(3)
    expect(await store.get('a')).toBeUndefined()
    expect(await store.get('d')).toBe('d')
    now += 60_000
    expect(await store.add('b', 'new', 60_000)).toBe(true)
    expect(store.size).toBeLessThanOrEqual(3)
    expect(await store.get('b')).toBe('new')
  })

  it('a true swap writes like set (the newest, evicted last); a false one moves nothing', async () => {
    const store = memoryStore({ maxEntries: 3 })
    for (const key of ['a', 'b', 'c']) await store.set(key, key, 60_000)
    expect(await store.swap('a', 'a', 'A', 60_000)).toBe(true)
    expect(await store.swap('b', 'other', 'B', 60_000)).toBe(false)
    // b is now the oldest written, then c, then a.
    await store.set('d', 'd', 60_000)
    expect(store.size).toBe(3)
    expect(await store.get('b')).toBeUndefined()
    await store.set('e', 'e', 60_000)
    expect(await store.get('c')).toBeUndefined()
    expect(await store.get('a')).toBe('A')
  })

  it('rejects a bad maxEntries or maxLocks', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(/maxEntries must be a positive integer/)
    expect(() => memoryStore({ maxEntries: 1.5 })).toThrow(TypeError)
    expect(() => memoryStore({ maxLocks: 0 })).toThrow(/maxLocks must be a positive integer/)
    expect(() => memoryStore({ maxLocks: Number.NaN })).toThrow(TypeError)
  })

  it('clear() empties it, locks included', async () => {
    const store = memoryStore({ maxEntries: 3 })
    for (let i = 0; i < 10; i++) await store.set(`k${i}`, String(i), 60_000)
    await store.lock('l', 60_000)
    store.clear()
    expect(store.size).toBe(0)
    expect(await store.get('k9')).toBeUndefined()
    expect(await store.lock('l', 60_000)).toBeDefined()
    // Eviction starts over from the oldest after clear().
    for (let i = 0; i < 4; i++) await store.set(`n${i}`, String(i), 60_000)
    expect(await store.get('n0')).toBeUndefined()
    expect(await store.get('n1')).toBe('1')
    expect(await store.get('n3')).toBe('3')
  })
})
