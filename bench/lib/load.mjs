// A bounded closed-loop load: `count` operations, at most `concurrency` in flight, with a deadline.

/**
 * Runs `op(i)` for i in [0, count) with `concurrency` workers. Stops early (and says so) past
 * `timeoutMs`. Latencies are in ms.
 * @returns {Promise<{ ops: number, errors: number, elapsedMs: number, opsPerSec: number,
 *   latencies: Float64Array, firstError?: unknown, timedOut: boolean }>}
 */
export async function runPool({ count, concurrency, op, timeoutMs = 60_000 }) {
  const latencies = new Float64Array(count)
  let next = 0
  let done = 0
  let errors = 0
  let firstError
  let timedOut = false
  const started = performance.now()
  const deadline = started + timeoutMs
  async function worker() {
    for (;;) {
      const i = next++
      if (i >= count) return
      if (performance.now() > deadline) {
        timedOut = true
        return
      }
      const t0 = performance.now()
      try {
        await op(i)
      } catch (error) {
        errors++
        firstError ??= error
      }
      latencies[done++] = performance.now() - t0
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  const elapsedMs = performance.now() - started
  return {
    ops: done,
    errors,
    elapsedMs,
    opsPerSec: ((done - errors) / elapsedMs) * 1000,
    latencies: latencies.subarray(0, done),
    firstError,
    timedOut,
  }
}
