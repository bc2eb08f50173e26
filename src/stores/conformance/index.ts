/**
 * The store conformance suite: what every {@link Store} must do, runnable by any test framework
 * that has `describe` and `it` (vitest, jest, mocha, node:test). wxauth runs it against its memory,
 * SQLite and Redis stores; run it against your own store before using it with wxauth.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest'
 * import { runStoreConformance } from 'wxauth/conformance'
 * runStoreConformance('my store', { create: ({ prefix }) => myStore({ prefix }) }, { describe, it })
 * ```
 * @module wxauth/conformance
 */
import assert from 'node:assert/strict'
import { MAX_KEY_LENGTH, MAX_TTL, MAX_VALUE_BYTES } from '../arguments.js'
import type { Store } from '../store.js'
import {
  runAddProcesses,
  runAdmitProcesses,
  runLockProcesses,
  runSwapProcesses,
} from './processes.js'

/** The store under test. */
export interface ConformanceTarget {
  /**
   * A store over the shared backend. Stores created with different prefixes must not see each
   * other's keys or locks; the suite uses a fresh random prefix for every test, of at most 30
   * characters and ending with `:`.
   */
  create(options: { prefix: string }): Store | Promise<Store>
  /**
   * Moves the store's clock forward by `ms`, for stores that take a clock. Without it, expiry is
   * checked with real waits (a few seconds in all).
   */
  advance?(ms: number): void
  /**
   * The store's clock, in ms since the epoch, when it is not `Date.now` (the clock that
   * {@link ConformanceTarget.advance} moves): `Lock.expiresAt` is checked against it.
   */
  now?(): number
  /**
   * Enables the lock, `add` and `swap` tests across 4 operating-system processes: `module` is the
   * absolute path (or file URL) of an ES module whose default export is
   * `async ({ prefix }) => ({ store, close? })`, creating the store over the same backend.
   */
  processes?: { module: string }
  /** Called once after the suite. */
  cleanup?(): Promise<void> | void
}

/** The parts of a test framework the suite needs. */
export interface ConformanceTestApi {
  describe(name: string, body: () => void): void
  it(name: string, body: () => Promise<void>): void
  afterAll?(body: () => Promise<void> | void): void
}

const RACERS = 50

/** Registers the conformance tests for `target` under `describe(name)`. */
export function runStoreConformance(
  name: string,
  target: ConformanceTarget,
  api: ConformanceTestApi,
): void {
  const { describe, it } = api
  const fresh = async () => target.create({ prefix: randomPrefix() })

  /** Waits until `ttl` has passed: on the store's clock when it has one, else for real. */
  async function elapse(ms: number) {
    if (target.advance) target.advance(ms)
    else await sleep(ms)
  }
  const shortTtl = target.advance ? 60_000 : 50
  /** The clock of `Lock.expiresAt`; unknown for a store with a clock of its own but no `now`. */
  function storeClock(): number | undefined {
    if (target.now) return target.now()
    return target.advance ? undefined : Date.now()
  }

  describe(name, () => {
    if (target.cleanup && api.afterAll) api.afterAll(() => target.cleanup?.())

    describe('set, get, delete', () => {
      it('reads back what was set, and undefined for an absent key', async () => {
        const store = await fresh()
        await store.set('a', 'one', 60_000)
        assert.equal(await store.get('a'), 'one')
        assert.equal(await store.get('absent'), undefined)
      })

      it('set replaces the value', async () => {
        const store = await fresh()
        await store.set('a', 'one', 60_000)
        await store.set('a', 'two', 60_000)
        assert.equal(await store.get('a'), 'two')
      })

      it('delete removes the key; deleting an absent key is fine', async () => {
        const store = await fresh()
        await store.set('a', 'one', 60_000)
        await store.delete('a')
        assert.equal(await store.get('a'), undefined)
        await store.delete('never-set')
      })

      it('keeps large and unicode values and keys exactly', async () => {
        const store = await fresh()
        const large = 'x'.repeat(MAX_VALUE_BYTES - 16)
        const unicode = '微信用户🙂 é\u00e9 \u0000\t\n"\'\\ {"json":[1,2]}'
        await store.set('large', large, 60_000)
        await store.set('键:用户:🙂', unicode, 60_000)
        assert.equal(await store.get('large'), large)
        assert.equal(await store.get('键:用户:🙂'), unicode)
        assert.equal(await store.consume('键:用户:🙂'), unicode)
        assert.equal(await store.add('large:added', large, 60_000), true)
        assert.equal(await store.add('键:添加:🙂', unicode, 60_000), true)
        assert.equal(await store.get('large:added'), large)
        assert.equal(await store.get('键:添加:🙂'), unicode)
        // `swap` compares large and unicode values exactly (NUL included), both ways.
        assert.equal(await store.swap('large:added', unicode, 'x', 60_000), false)
        assert.equal(await store.swap('large:added', `${large}x`, 'x', 60_000), false)
        assert.equal(await store.swap('键:添加:🙂', unicode.slice(0, -1), 'x', 60_000), false)
        assert.equal(
          await store.swap('键:添加:🙂', unicode.replace('\u0000', ''), 'x', 60_000),
          false,
        )
        assert.equal(await store.get('large:added'), large)
        assert.equal(await store.get('键:添加:🙂'), unicode)
        assert.equal(await store.swap('large:added', large, unicode, 60_000), true)
        assert.equal(await store.swap('键:添加:🙂', unicode, large, 60_000), true)
        assert.equal(await store.get('large:added'), unicode)
        assert.equal(await store.get('键:添加:🙂'), large)
        assert.equal(await store.swap('large:added', unicode, large, 60_000), true)
        assert.equal(await store.get('large:added'), large)
      })
    })

    describe('expiry', () => {
      it('a key expires after its ttl, for get and consume', async () => {
        const store = await fresh()
        await store.set('a', 'one', shortTtl)
        await store.set('b', 'two', shortTtl)
        assert.equal(await store.get('a'), 'one')
        await elapse(shortTtl + 20)
        await eventually(async () => (await store.get('a')) === undefined)
        assert.equal(await store.consume('b'), undefined)
      })

      if (target.advance) {
        const { advance } = target
        it('setting again restarts the ttl', async () => {
          const store = await fresh()
          await store.set('a', 'one', 1_000)
          advance(900)
          await store.set('a', 'two', 1_000)
          advance(900)
          assert.equal(await store.get('a'), 'two')
          advance(200)
          assert.equal(await store.get('a'), undefined)
        })

        it('a key is live until just before its ttl', async () => {
          const store = await fresh()
          await store.set('a', 'one', 10_000)
          advance(9_999)
          assert.equal(await store.get('a'), 'one')
          advance(1)
          assert.equal(await store.get('a'), undefined)
        })
      } else {
        // In real time, with margins of 500 ms on either side: both at once, to save 1.5 s.
        it('setting again restarts the ttl, and a key is live until just before its ttl', async () => {
          const store = await fresh()
          const restarts = async () => {
            await store.set('a', 'one', 1_500)
            await sleep(1_000)
            await store.set('a', 'two', 1_500)
            await sleep(1_000)
            assert.equal(await store.get('a'), 'two', 'live 1 s into its second ttl of 1.5 s')
            await eventually(async () => (await store.get('a')) === undefined)
          }
          const lives = async () => {
            await store.set('b', 'one', 1_500)
            await store.set('c', 'two', 1_500)
            await sleep(1_000)
            assert.equal(await store.get('b'), 'one', 'live 1 s into a ttl of 1.5 s')
            assert.equal(await store.consume('c'), 'two', 'consumable 1 s into a ttl of 1.5 s')
            await eventually(async () => (await store.get('b')) === undefined)
          }
          await Promise.all([restarts(), lives()])
        })
      }
    })

    describe('consume', () => {
      it('returns the value once, then undefined', async () => {
        const store = await fresh()
        await store.set('a', 'one', 60_000)
        assert.equal(await store.consume('a'), 'one')
        assert.equal(await store.consume('a'), undefined)
        assert.equal(await store.get('a'), undefined)
      })

      it(`of ${RACERS} concurrent consumers exactly one gets the value`, async () => {
        const store = await fresh()
        for (let round = 0; round < 5; round++) {
          await store.set('state', `value-${round}`, 60_000)
          const results = await Promise.all(
            Array.from({ length: RACERS }, () => store.consume('state')),
          )
          const winners = results.filter((r) => r !== undefined)
          assert.deepEqual(winners, [`value-${round}`])
        }
      })

      it(`concurrent consumers of ${RACERS} keys each get each value once`, async () => {
        const store = await fresh()
        const keys = Array.from({ length: RACERS }, (_, i) => `k${i}`)
        await Promise.all(keys.map((k) => store.set(k, k, 60_000)))
        const results = await Promise.all([...keys, ...keys].map((k) => store.consume(k)))
        const got = results.filter((r) => r !== undefined).sort()
        assert.deepEqual(got, [...keys].sort())
      })
    })

    describe('add', () => {
      it('stores under an absent key and resolves true', async () => {
        const store = await fresh()
        assert.equal(await store.add('a', 'one', 60_000), true)
        assert.equal(await store.get('a'), 'one')
        assert.equal(await store.consume('a'), 'one')
        assert.equal(await store.add('a', 'two', 60_000), true, 'absent again once consumed')
        await store.delete('a')
        assert.equal(await store.add('a', 'three', 60_000), true, 'absent again once deleted')
        assert.equal(await store.get('a'), 'three')
      })

      it('resolves false on a live key, whose value stays', async () => {
        const store = await fresh()
        await store.set('a', 'set', 60_000)
        assert.equal(await store.add('a', 'other', 60_000), false)
        assert.equal(await store.get('a'), 'set')
        assert.equal(await store.add('b', 'added', 60_000), true)
        assert.equal(await store.add('b', 'other', 60_000), false)
        assert.equal(await store.get('b'), 'added')
        assert.equal(await store.consume('b'), 'added')
      })

      it('an added key expires after its ttl; an expired key is added again', async () => {
        const store = await fresh()
        await store.set('a', 'old', shortTtl)
        assert.equal(await store.add('b', 'old', shortTtl), true)
        await elapse(shortTtl + 20)
        await eventually(async () => (await store.get('b')) === undefined)
        await eventually(async () => await store.add('a', 'new', 60_000))
        assert.equal(await store.add('b', 'new', 60_000), true)
        assert.equal(await store.get('a'), 'new')
        assert.equal(await store.get('b'), 'new')
      })

      if (target.advance) {
        const { advance } = target
        it('a false add leaves the ttl as it was; an added key is live until just before its ttl', async () => {
          const store = await fresh()
          await store.set('a', 'one', 10_000)
          assert.equal(await store.add('b', 'two', 10_000), true)
          advance(5_000)
          assert.equal(await store.add('a', 'other', 60_000), false)
          assert.equal(await store.add('b', 'other', 60_000), false)
          advance(4_999)
          assert.equal(await store.get('a'), 'one')
          assert.equal(await store.get('b'), 'two')
          advance(1)
          assert.equal(await store.get('a'), undefined, 'the false add did not extend the ttl')
          assert.equal(await store.get('b'), undefined)
        })
      } else {
        it('a false add leaves the ttl as it was', async () => {
          const store = await fresh()
          // 500 ms of margin to add while live; had the add extended the ttl, it would not expire.
          await store.set('a', 'one', 500)
          assert.equal(await store.add('b', 'two', 500), true)
          assert.equal(await store.add('a', 'other', 60_000), false)
          assert.equal(await store.add('b', 'other', 60_000), false)
          await eventually(async () => (await store.get('a')) === undefined, 3_000)
          await eventually(async () => (await store.get('b')) === undefined, 3_000)
        })
      }

      it(`of ${RACERS} concurrent adds of one key exactly one resolves true, and its value stays`, async () => {
        const store = await fresh()
        for (let round = 0; round < 5; round++) {
          const key = `code:${round}`
          const results = await Promise.all(
            Array.from({ length: RACERS }, (_, i) => store.add(key, `value-${i}`, 60_000)),
          )
          const winners = results.flatMap((added, i) => (added ? [i] : []))
          assert.equal(winners.length, 1, `round ${round}: ${winners.length} adds resolved true`)
          assert.equal(await store.get(key), `value-${winners[0]}`)
        }
      })

      it(`concurrent adds of ${RACERS} keys each store each key once`, async () => {
        const store = await fresh()
        const keys = Array.from({ length: RACERS }, (_, i) => `k${i}`)
        const results = await Promise.all(
          [...keys, ...keys].map((k, i) => store.add(k, `${k}:${i}`, 60_000)),
        )
        const added = [...keys, ...keys].filter((_, i) => results[i]).sort()
        assert.deepEqual(added, [...keys].sort())
        for (const [i, k] of keys.entries()) {
          const value = results[i] ? `${k}:${i}` : `${k}:${i + keys.length}`
          assert.equal(await store.get(k), value)
        }
      })

      if (target.processes) {
        const { module } = target.processes
        it('of adds of one key from 4 processes exactly one resolves true', async () => {
          const keys = 500
          const { winners, values } = await runAddProcesses({
            module,
            prefix: randomPrefix(),
            processes: 4,
            keys,
          })
          assert.equal(winners.length, keys)
          for (const [k, won] of winners.entries()) {
            assert.equal(won.length, 1, `key ${k} was added by processes [${won.join(', ')}]`)
            assert.equal(values[k], `process-${won[0]}`, `key ${k} holds its winner's value`)
          }
        })
      }
    })

    describe('admit', () => {
      it('stores up to limit values, then resolves false and stores nothing', async () => {
        const store = await fresh()
        for (const key of ['a', 'b', 'c'])
          assert.equal(await store.admit(key, key, 60_000, 3), true)
        assert.equal(await store.admit('d', 'd', 60_000, 3), false)
        assert.equal(await store.get('d'), undefined, 'a refused admission stores nothing')
        assert.equal(await store.get('a'), 'a')
        assert.equal(await store.consume('b'), 'b')
        assert.equal(await store.admit('d', 'd', 60_000, 4), true, 'a higher limit admits more')
        assert.equal(await store.admit('e', 'e', 60_000, 4), false)
      })

      it('counts an admission for its whole ttl, though its key is consumed, deleted or replaced', async () => {
        const store = await fresh()
        assert.equal(await store.admit('a', 'one', 60_000, 2), true)
        assert.equal(await store.admit('b', 'two', 60_000, 2), true)
        assert.equal(await store.consume('a'), 'one')
        await store.delete('b')
        await store.set('b', 'three', 60_000)
        assert.equal(await store.admit('c', 'four', 60_000, 2), false)
        assert.equal(await store.admit('a', 'five', 60_000, 2), false, 'a key admitted before')
      })

      it('an admitted value expires like a set one; the admission ends with it', async () => {
        const store = await fresh()
        assert.equal(await store.admit('a', 'one', shortTtl, 1), true)
        assert.equal(await store.admit('b', 'two', 60_000, 1), false)
        await elapse(shortTtl + 20)
        await eventually(async () => (await store.get('a')) === undefined)
        await eventually(async () => await store.admit('b', 'two', 60_000, 1))
        assert.equal(await store.get('b'), 'two')
        assert.equal(await store.admit('c', 'three', 60_000, 1), false)
      })

      it('admissions are apart from add, set and lock, which never count', async () => {
        const store = await fresh()
        await store.set('a', 'set', 60_000)
        assert.equal(await store.add('b', 'added', 60_000), true)
        assert.ok(await store.lock('c', 60_000))
        assert.equal(await store.admit('d', 'admitted', 60_000, 1), true)
        assert.equal(await store.add('e', 'added', 60_000), true, 'add goes on past the limit')
      })

      it(`of ${RACERS} concurrent admissions under a limit of 10 exactly 10 resolve true`, async () => {
        const store = await fresh()
        const results = await Promise.all(
          Array.from({ length: RACERS }, (_, i) => store.admit(`k${i}`, `v${i}`, 60_000, 10)),
        )
        assert.equal(results.filter(Boolean).length, 10)
        for (const [i, admitted] of results.entries()) {
          assert.equal(await store.get(`k${i}`), admitted ? `v${i}` : undefined)
        }
      })

      if (target.processes) {
        const { module } = target.processes
        it('of admissions from 4 processes exactly the limit resolve true', async () => {
          const limit = 300
          const { winners } = await runAdmitProcesses({
            module,
            prefix: randomPrefix(),
            processes: 4,
            keys: 200,
            limit,
          })
          const admitted = winners.reduce((sum, won) => sum + won.length, 0)
          assert.equal(admitted, limit, `${admitted} of 800 admissions resolved true`)
        })
      }
    })

    describe('swap', () => {
      it('resolves false on an absent, consumed, deleted or expired key, and writes nothing', async () => {
        const store = await fresh()
        assert.equal(await store.swap('absent', 'one', 'two', 60_000), false)
        assert.equal(await store.get('absent'), undefined)
        await store.set('consumed', 'one', 60_000)
        assert.equal(await store.consume('consumed'), 'one')
        assert.equal(await store.swap('consumed', 'one', 'two', 60_000), false)
        assert.equal(await store.get('consumed'), undefined)
        await store.set('deleted', 'one', 60_000)
        await store.delete('deleted')
        assert.equal(await store.swap('deleted', 'one', 'two', 60_000), false)
        assert.equal(await store.get('deleted'), undefined)
        await store.set('expired', 'one', shortTtl)
        await elapse(shortTtl + 20)
        await eventually(async () => (await store.get('expired')) === undefined)
        assert.equal(await store.swap('expired', 'one', 'two', 60_000), false)
        assert.equal(await store.get('expired'), undefined)
        // Nothing was written: each key is still absent for an add.
        for (const key of ['absent', 'consumed', 'deleted', 'expired']) {
          assert.equal(await store.add(key, 'added', 60_000), true, `${key} is still absent`)
        }
      })

      it('replaces a live value that is exactly the expected one, and resolves true', async () => {
        const store = await fresh()
        await store.set('a', 'one', 60_000)
        assert.equal(await store.swap('a', 'one', 'two', 60_000), true)
        assert.equal(await store.get('a'), 'two')
        assert.equal(await store.swap('a', 'one', 'three', 60_000), false, 'no longer one')
        assert.equal(await store.get('a'), 'two')
        assert.equal(await store.swap('a', 'two', 'three', 60_000), true)
        assert.equal(await store.swap('a', 'three', 'three', 60_000), true, 'to the same value')
        assert.equal(await store.consume('a'), 'three')
        assert.equal(await store.add('b', 'added', 60_000), true)
        assert.equal(await store.swap('b', 'added', '', 60_000), true, 'to an empty value')
        assert.equal(await store.get('b'), '')
        assert.equal(await store.swap('b', '', 'again', 60_000), true, 'from an empty value')
        assert.equal(await store.get('b'), 'again')
      })

      it('resolves false with another expected value, which leaves the value as it was', async () => {
        const store = await fresh()
        await store.set('a', 'one', 60_000)
        for (const expected of ['two', 'One', 'one ', ' one', 'on', 'one1', '', '"one"']) {
          assert.equal(await store.swap('a', expected, 'new', 60_000), false, `from ${expected}`)
        }
        assert.equal(await store.get('a'), 'one')
        await store.set('b', '', 60_000)
        assert.equal(await store.swap('b', ' ', 'new', 60_000), false)
        assert.equal(await store.get('b'), '')
      })

      if (target.advance) {
        const { advance } = target
        it('a true swap gives the value its new ttl; a false one leaves the ttl as it was', async () => {
          const store = await fresh()
          await store.set('a', 'one', 10_000)
          await store.set('b', 'one', 10_000)
          await store.set('c', 'one', 60_000)
          advance(5_000)
          assert.equal(await store.swap('a', 'one', 'two', 10_000), true)
          assert.equal(await store.swap('b', 'other', 'two', 60_000), false)
          assert.equal(await store.swap('c', 'one', 'two', 1_000), true, 'to a shorter ttl')
          advance(999)
          assert.equal(await store.get('c'), 'two')
          advance(1)
          assert.equal(await store.get('c'), undefined, 'the shorter ttl of the swap')
          advance(3_999)
          assert.equal(await store.get('b'), 'one')
          advance(1)
          assert.equal(await store.get('b'), undefined, 'the false swap did not extend the ttl')
          assert.equal(await store.get('a'), 'two', 'the true swap replaced the ttl')
          advance(4_999)
          assert.equal(await store.get('a'), 'two')
          advance(1)
          assert.equal(await store.get('a'), undefined)
        })
      } else {
        it('a true swap gives the value its new ttl; a false one leaves the ttl as it was', async () => {
          const store = await fresh()
          // 500 ms of margin to swap while live.
          await store.set('a', 'one', 500)
          await store.set('b', 'one', 500)
          await store.set('c', 'one', 60_000)
          assert.equal(await store.swap('a', 'one', 'two', 60_000), true)
          assert.equal(await store.swap('b', 'other', 'two', 60_000), false)
          assert.equal(await store.swap('c', 'one', 'two', 500), true, 'to a shorter ttl')
          await eventually(async () => (await store.get('b')) === undefined, 3_000)
          await eventually(async () => (await store.get('c')) === undefined, 3_000)
          // Set before b, with b's ttl: expired by now, had the swap not replaced its ttl.
          assert.equal(await store.get('a'), 'two', 'the true swap replaced the ttl')
        })
      }

      it(`of ${RACERS} concurrent swaps from one value exactly one resolves true, and its value stays`, async () => {
        const store = await fresh()
        for (let round = 0; round < 5; round++) {
          const key = `token:${round}`
          await store.set(key, 'initial', 60_000)
          const results = await Promise.all(
            Array.from({ length: RACERS }, (_, i) =>
              store.swap(key, 'initial', `value-${i}`, 60_000),
            ),
          )
          const winners = results.flatMap((swapped, i) => (swapped ? [i] : []))
          assert.equal(winners.length, 1, `round ${round}: ${winners.length} swaps resolved true`)
          assert.equal(await store.get(key), `value-${winners[0]}`)
        }
      })

      it('a counter incremented by concurrent compare-and-set loops loses no increment', async () => {
        const store = await fresh()
        await store.set('counter', '0', 60_000)
        const workers = 10
        const rounds = 5
        await Promise.all(
          Array.from({ length: workers }, async () => {
            for (let done = 0; done < rounds; ) {
              const value = (await store.get('counter')) ?? 'missing'
              await new Promise((resolve) => setTimeout(resolve, Math.random() * 2))
              if (await store.swap('counter', value, String(Number(value) + 1), 60_000)) done++
            }
          }),
        )
        assert.equal(await store.get('counter'), String(workers * rounds))
      })

      if (target.processes) {
        const { module } = target.processes
        it('of swaps of one key from one value from 4 processes exactly one resolves true', async () => {
          const keys = 500
          const { winners, values } = await runSwapProcesses({
            module,
            prefix: randomPrefix(),
            processes: 4,
            keys,
            from: 'initial',
          })
          assert.equal(winners.length, keys)
          for (const [k, won] of winners.entries()) {
            assert.equal(won.length, 1, `key ${k} was swapped by processes [${won.join(', ')}]`)
            assert.equal(values[k], `process-${won[0]}`, `key ${k} holds its winner's value`)
          }
        })
      }
    })

    describe('lock', () => {
      it('is exclusive until released, and release only works once', async () => {
        const store = await fresh()
        const before = storeClock()
        const lock = await store.lock('refresh', 60_000)
        const after = storeClock()
        assert.ok(lock, 'the first lock is taken')
        assert.equal(typeof lock.token, 'string')
        assert.ok(lock.token.length >= 16, 'the token is unguessable')
        assert.equal(typeof lock.expiresAt, 'number')
        if (before !== undefined && after !== undefined) {
          assert.ok(
            lock.expiresAt >= before + 60_000 && lock.expiresAt <= after + 60_000,
            `expiresAt ${lock.expiresAt} lies ttl after the call (${before}..${after} + 60000)`,
          )
        }
        assert.equal(await store.lock('refresh', 60_000), undefined)
        assert.equal(await lock.release(), true)
        assert.equal(await lock.release(), false)
        const again = await store.lock('refresh', 60_000)
        assert.ok(again, 'the lock can be taken again after release')
        assert.notEqual(again.token, lock.token)
        await again.release()
      })

      it('expires by itself; a stale holder cannot release the new holder', async () => {
        const store = await fresh()
        const stale = await store.lock('refresh', shortTtl)
        assert.ok(stale)
        await elapse(shortTtl + 20)
        let fresh2: Awaited<ReturnType<Store['lock']>>
        await eventually(async () => {
          fresh2 = await store.lock('refresh', 60_000)
          return fresh2 !== undefined
        })
        assert.equal(await stale.release(), false, 'the stale holder does not release')
        assert.equal(await store.lock('refresh', 60_000), undefined, 'the new holder still holds')
        assert.equal(await fresh2?.release(), true)
      })

      it(`of ${RACERS} concurrent attempts exactly one gets the lock`, async () => {
        const store = await fresh()
        const locks = await Promise.all(
          Array.from({ length: RACERS }, () => store.lock('refresh', 60_000)),
        )
        assert.equal(locks.filter((l) => l !== undefined).length, 1)
      })

      it('excludes concurrent workers from a read-modify-write section', async () => {
        const store = await fresh()
        await store.set('counter', '0', 60_000)
        const workers = 10
        const rounds = 5
        await Promise.all(
          Array.from({ length: workers }, async () => {
            for (let done = 0; done < rounds; ) {
              const lock = await store.lock('counter-lock', 10_000)
              if (!lock) {
                await new Promise((resolve) => setTimeout(resolve, 1))
                continue
              }
              const value = Number(await store.get('counter'))
              await new Promise((resolve) => setTimeout(resolve, 1))
              await store.set('counter', String(value + 1), 60_000)
              assert.equal(await lock.release(), true)
              done++
            }
          }),
        )
        assert.equal(await store.get('counter'), String(workers * rounds))
      })

      it('a held lock still excludes after many writes', async () => {
        const store = await fresh()
        const lock = await store.lock('refresh', 60_000)
        assert.ok(lock)
        // More values than a small bounded store holds: writing them must not drop the lock.
        for (let batch = 0; batch < 20; batch++) {
          await Promise.all(
            Array.from({ length: 100 }, (_, i) => store.set(`filler:${batch}:${i}`, 'v', 60_000)),
          )
        }
        assert.equal(await store.lock('refresh', 60_000), undefined, 'the lock is still held')
        assert.equal(await lock.release(), true, 'the holder still holds it')
        const again = await store.lock('refresh', 60_000)
        assert.ok(again, 'free once released')
        await again.release()
      })

      it('lock names are apart from keys', async () => {
        const store = await fresh()
        await store.set('name', 'value', 60_000)
        const lock = await store.lock('name', 60_000)
        assert.ok(lock, 'a key does not hold the lock of the same name')
        assert.equal(await store.get('name'), 'value')
        assert.equal(await store.consume('name'), 'value')
        assert.equal(
          await store.lock('name', 60_000),
          undefined,
          'consuming the key keeps the lock',
        )
        assert.equal(await store.add('name', 'added', 60_000), true, 'a lock does not hold a key')
        assert.equal(await store.swap('name', 'added', 'swapped', 60_000), true)
        assert.equal(
          await store.swap('name', lock.token, 'x', 60_000),
          false,
          "a swap does not see the lock's token",
        )
        assert.equal(await store.get('name'), 'swapped')
        assert.equal(await lock.release(), true, 'adding and swapping the key keep the lock')
      })

      if (target.processes) {
        const { module } = target.processes
        it('excludes 4 processes from a read-modify-write section', async () => {
          const prefix = randomPrefix()
          const { counter, expected } = await runLockProcesses({
            module,
            prefix,
            processes: 4,
            rounds: 15,
          })
          assert.equal(counter, expected)
        })
      }
    })

    describe('prefixes', () => {
      it('stores with different prefixes do not see each other', async () => {
        const a = await fresh()
        const b = await fresh()
        await a.set('shared', 'from a', 60_000)
        assert.equal(await b.get('shared'), undefined)
        assert.equal(await b.consume('shared'), undefined)
        await b.delete('shared')
        assert.equal(await a.get('shared'), 'from a')
        assert.equal(await b.add('shared', 'from b', 60_000), true)
        assert.equal(await a.add('shared', 'again', 60_000), false)
        assert.equal(await a.get('shared'), 'from a')
        assert.equal(await b.get('shared'), 'from b')
        assert.equal(await b.swap('shared', 'from a', 'swapped', 60_000), false)
        assert.equal(await a.swap('shared', 'from a', 'swapped by a', 60_000), true)
        assert.equal(await b.get('shared'), 'from b')
        assert.equal(await a.get('shared'), 'swapped by a')
        const lock = await a.lock('shared', 60_000)
        assert.ok(lock)
        const other = await b.lock('shared', 60_000)
        assert.ok(other, "a lock under one prefix does not block the other's")
        await lock.release()
        await other.release()
      })
    })

    describe('bad input', () => {
      const cases: [string, (store: Store) => Promise<unknown>][] = [
        ['an empty key', (s) => s.set('', 'v', 1_000)],
        ['a key that is too long', (s) => s.get('k'.repeat(MAX_KEY_LENGTH + 1))],
        ['a non-string key', (s) => s.get(42 as unknown as string)],
        ['a key with a control character', (s) => s.set('k\u0000lock:x', 'v', 1_000)],
        ['a key with a lone high surrogate', (s) => s.set('k\ud800', 'v', 1_000)],
        ['a key with a lone low surrogate', (s) => s.get('\udc00k')],
        ['a negative ttl', (s) => s.set('k', 'v', -1)],
        ['a zero ttl', (s) => s.set('k', 'v', 0)],
        ['a NaN ttl', (s) => s.set('k', 'v', Number.NaN)],
        ['a ttl above MAX_TTL', (s) => s.set('k', 'v', MAX_TTL + 1)],
        ['a non-number ttl', (s) => s.set('k', 'v', '60000' as unknown as number)],
        ['an infinite ttl', (s) => s.lock('k', Number.POSITIVE_INFINITY)],
        ['a value with a lone surrogate', (s) => s.set('k', 'v\udfff', 1_000)],
        ['an oversize value', (s) => s.set('k', 'v'.repeat(MAX_VALUE_BYTES + 1), 1_000)],
        [
          'an oversize unicode value',
          (s) => s.set('k', '用'.repeat(MAX_VALUE_BYTES / 3 + 1), 1_000),
        ],
        ['a non-string value', (s) => s.set('k', { a: 1 } as unknown as string, 1_000)],
        ['an empty lock name', (s) => s.lock('', 1_000)],
        ['a lock name with a control character', (s) => s.lock('k\n', 1_000)],
        ['a lock name with a lone surrogate', (s) => s.lock('k\ud83d', 1_000)],
        ['a non-string lock name', (s) => s.lock(null as unknown as string, 1_000)],
        ['a lock ttl above MAX_TTL', (s) => s.lock('k', MAX_TTL + 1)],
        ['a non-number lock ttl', (s) => s.lock('k', undefined as unknown as number)],
        ['an empty key to consume', (s) => s.consume('')],
        ['a key to consume with a control character', (s) => s.consume('k\u007f')],
        ['a key to consume with a lone surrogate', (s) => s.consume('k\ud800')],
        ['a key to delete that is too long', (s) => s.delete('k'.repeat(MAX_KEY_LENGTH + 1))],
        ['a non-string key to delete', (s) => s.delete(undefined as unknown as string)],
        ['a key to delete with a control character', (s) => s.delete('k\u0000')],
        ['an empty key to admit', (s) => s.admit('', 'v', 1_000, 10)],
        ['a key to admit with a control character', (s) => s.admit('n\u0000x', 'v', 1_000, 10)],
        ['a zero ttl to admit', (s) => s.admit('n', 'v', 0, 10)],
        [
          'an oversize value to admit',
          (s) => s.admit('n', 'v'.repeat(MAX_VALUE_BYTES + 1), 1_000, 10),
        ],
        ['a zero limit', (s) => s.admit('n', 'v', 1_000, 0)],
        ['a fractional limit', (s) => s.admit('n', 'v', 1_000, 2.5)],
        ['a non-number limit', (s) => s.admit('n', 'v', 1_000, '9' as unknown as number)],
        // `add` checks like `set`, on an absent key (which a valid add would write) and on a live
        // one (which must reject, not resolve false).
        ['an empty key to add', (s) => s.add('', 'v', 1_000)],
        ['a key to add that is too long', (s) => s.add('n'.repeat(MAX_KEY_LENGTH + 1), 'v', 1_000)],
        ['a non-string key to add', (s) => s.add(7 as unknown as string, 'v', 1_000)],
        ['a key to add with a control character', (s) => s.add('n\u0000lock:x', 'v', 1_000)],
        ['a key to add with a lone surrogate', (s) => s.add('n\ud800', 'v', 1_000)],
        ['a negative ttl to add', (s) => s.add('n', 'v', -1)],
        ['a zero ttl to add', (s) => s.add('n', 'v', 0)],
        ['a NaN ttl to add', (s) => s.add('n', 'v', Number.NaN)],
        ['an infinite ttl to add', (s) => s.add('n', 'v', Number.POSITIVE_INFINITY)],
        ['a ttl to add above MAX_TTL', (s) => s.add('n', 'v', MAX_TTL + 1)],
        ['a non-number ttl to add', (s) => s.add('n', 'v', '60000' as unknown as number)],
        ['a value to add with a lone surrogate', (s) => s.add('n', 'v\udfff', 1_000)],
        ['an oversize value to add', (s) => s.add('n', 'v'.repeat(MAX_VALUE_BYTES + 1), 1_000)],
        ['a non-string value to add', (s) => s.add('n', null as unknown as string, 1_000)],
        ['a bad ttl to add to a live key', (s) => s.add('k', 'v', 0)],
        ['a bad value to add to a live key', (s) => s.add('k', 42 as unknown as string, 1_000)],
        // `swap` checks like `set`, and `expected` like a value: on an absent key, and on the live
        // key `k` with its right expected value (where a valid swap would resolve true).
        ['an empty key to swap', (s) => s.swap('', 'before', 'v', 1_000)],
        [
          'a key to swap that is too long',
          (s) => s.swap('n'.repeat(MAX_KEY_LENGTH + 1), 'before', 'v', 1_000),
        ],
        ['a non-string key to swap', (s) => s.swap(7 as unknown as string, 'before', 'v', 1_000)],
        ['a key to swap with a control character', (s) => s.swap('k\u0000', 'before', 'v', 1_000)],
        ['a key to swap with a lone surrogate', (s) => s.swap('k\ud800', 'before', 'v', 1_000)],
        ['a negative ttl to swap', (s) => s.swap('k', 'before', 'v', -1)],
        ['a zero ttl to swap', (s) => s.swap('k', 'before', 'v', 0)],
        ['a NaN ttl to swap', (s) => s.swap('k', 'before', 'v', Number.NaN)],
        ['an infinite ttl to swap', (s) => s.swap('k', 'before', 'v', Number.POSITIVE_INFINITY)],
        ['a ttl to swap above MAX_TTL', (s) => s.swap('k', 'before', 'v', MAX_TTL + 1)],
        [
          'a non-number ttl to swap',
          (s) => s.swap('k', 'before', 'v', '60000' as unknown as number),
        ],
        [
          'a value to swap in with a lone surrogate',
          (s) => s.swap('k', 'before', 'v\udfff', 1_000),
        ],
        [
          'an oversize value to swap in',
          (s) => s.swap('k', 'before', 'v'.repeat(MAX_VALUE_BYTES + 1), 1_000),
        ],
        [
          'a non-string value to swap in',
          (s) => s.swap('k', 'before', null as unknown as string, 1_000),
        ],
        [
          'a non-string expected value',
          (s) => s.swap('k', undefined as unknown as string, 'v', 1_000),
        ],
        ['an expected value with a lone surrogate', (s) => s.swap('k', 'before\ud800', 'v', 1_000)],
        [
          'an oversize expected value',
          (s) => s.swap('k', 'v'.repeat(MAX_VALUE_BYTES + 1), 'v', 1_000),
        ],
        [
          'a bad expected value to swap on an absent key',
          (s) => s.swap('n', 42 as never, 'v', 1_000),
        ],
        ['a bad value to swap on an absent key', (s) => s.swap('n', 'v', 42 as never, 1_000)],
        ['a bad ttl to swap on an absent key', (s) => s.swap('n', 'v', 'w', 0)],
      ]
      for (const [label, call] of cases) {
        it(`rejects ${label} with a TypeError and writes nothing`, async () => {
          const store = await fresh()
          await store.set('k', 'before', 60_000)
          await assert.rejects(call(store), (error: unknown) => {
            assert.ok(error instanceof TypeError, `expected a TypeError, got ${String(error)}`)
            assert.equal((error as { code?: string }).code, 'ERR_INVALID_ARG_VALUE')
            return true
          })
          assert.equal(await store.get('k'), 'before')
          assert.equal(await store.get('n'), undefined)
        })
      }
    })
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** A fresh namespace: 30 characters, ending with `:` as the Redis and SQLite stores require. */
function randomPrefix(): string {
  return `conformance:${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}:`
}

async function eventually(check: () => Promise<boolean>, timeout = 5_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${timeout} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
