/** A tiny seeded pseudo-random generator, so that a chaos run can be replayed from its seed. */

/**
 * mulberry32: 32 bits of state, uniform floats in [0, 1). Not for secrets; the same seed gives the
 * same sequence on every platform.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
