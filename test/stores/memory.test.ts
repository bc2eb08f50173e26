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

  it('locks count toward maxEntries and are swept when expired', async () => {
    let now = 0
    const store = memoryStore({ now: () => now, maxEntries: 10 })
    for (let i = 0; i < 10; i++) expect(await store.lock(`l${i}`, 1_000)).toBeDefined()
    expect(store.size).toBe(10)
    now += 2_000
    for (let i = 0; i < 10; i++) await store.set(`k${i}`, 'v', 60_000)
    expect(await store.get('k0')).toBe('v')
    expect(await store.lock('l0', 1_000)).toBeDefined()
  })

  it('rejects a bad maxEntries', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(/maxEntries must be a positive integer/)
    expect(() => memoryStore({ maxEntries: 1.5 })).toThrow(TypeError)
  })

  it('clear() empties it', async () => {
    const store = memoryStore()
    await store.set('a', '1', 60_000)
    store.clear()
    expect(store.size).toBe(0)
    expect(await store.get('a')).toBeUndefined()
  })
})
