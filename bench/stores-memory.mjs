// Operations per second of the memory store beside a bare Map doing the same work.
// Run after `npm run build`: node bench/stores-memory.mjs
import { memoryStore } from '../dist/index.js'

const COUNT = 200_000
const ROUNDS = 5

async function measure(fn) {
  const started = performance.now()
  for (let i = 0; i < COUNT; i++) await fn(i)
  return COUNT / ((performance.now() - started) / 1000)
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

const store = memoryStore({ maxEntries: COUNT * 2 })
const map = new Map()
const raw = {
  set: async (k, v, ttl) => void map.set(k, { v, e: Date.now() + ttl }),
  get: async (k) => map.get(k)?.v,
  consume: async (k) => {
    const e = map.get(k)
    map.delete(k)
    return e?.v
  },
  add: async (k, v, ttl) => {
    const e = map.get(k)
    if (e && e.e > Date.now()) return false
    map.set(k, { v, e: Date.now() + ttl })
    return true
  },
}

// Full from the start: every set evicts the oldest value, against a Map bounded the same way.
const full = memoryStore({ maxEntries: COUNT })
const bounded = new Map()
let oldest = bounded.keys()
for (let i = 0; i < COUNT; i++) {
  await full.set(`f${i}`, 'value', 60_000)
  bounded.set(`f${i}`, { v: 'value', e: Date.now() + 60_000 })
}
let fullNext = COUNT
let boundedNext = COUNT
const rawFull = async (k, v, ttl) => {
  bounded.delete(k)
  if (bounded.size >= COUNT) {
    let next = oldest.next()
    if (next.done) {
      oldest = bounded.keys()
      next = oldest.next()
    }
    bounded.delete(next.value)
  }
  bounded.set(k, { v, e: Date.now() + ttl })
}

const ops = {
  set: [(i) => store.set(`k${i}`, 'value', 60_000), (i) => raw.set(`k${i}`, 'value', 60_000)],
  'set full': [
    () => full.set(`f${fullNext++}`, 'value', 60_000),
    () => rawFull(`f${boundedNext++}`, 'value', 60_000),
  ],
  get: [(i) => store.get(`k${i}`), (i) => raw.get(`k${i}`)],
  consume: [(i) => store.consume(`k${i}`), (i) => raw.consume(`k${i}`)],
  // Into absent keys (each round deletes them first): the check, then the write.
  add: [(i) => store.add(`a${i}`, 'value', 60_000), (i) => raw.add(`a${i}`, 'value', 60_000)],
}

console.log(`memory store vs Map, ${COUNT} ops x ${ROUNDS} rounds (median ops/s)`)
console.log('op          store       raw     ratio')
for (const [name, [ours, theirs]] of Object.entries(ops)) {
  const a = []
  const b = []
  for (let r = 0; r < ROUNDS; r++) {
    if (name === 'get' || name === 'consume') {
      for (let i = 0; i < COUNT; i++) {
        await store.set(`k${i}`, 'value', 60_000)
        await raw.set(`k${i}`, 'value', 60_000)
      }
    }
    if (name === 'add') {
      for (let i = 0; i < COUNT; i++) {
        await store.delete(`a${i}`)
        map.delete(`a${i}`)
      }
    }
    a.push(await measure(ours))
    b.push(await measure(theirs))
  }
  const [s, m] = [median(a), median(b)]
  console.log(
    `${name.padEnd(10)} ${Math.round(s).toString().padStart(9)} ${Math.round(m).toString().padStart(9)}   ${(s / m).toFixed(2)}x`,
  )
}
