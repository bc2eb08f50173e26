/**
 * The admissions of one process-local store: when each stops being counted, oldest first. Of
 * equal ttls (wxauth admits every login start for the same time) each new end is the latest, so
 * an admission is one push and a count drops ended ones from the front. @internal
 */
export interface AdmissionWindow {
  /** Counts an admission until `end` when fewer than `limit` are counted at `now`. */
  admit(now: number, end: number, limit: number): boolean
  /** Admissions counted at `now`. */
  count(now: number): number
  clear(): void
}

/** @internal */
export function admissionWindow(): AdmissionWindow {
  let ends: number[] = []
  let head = 0

  function drop(now: number): void {
    while (head < ends.length && (ends[head] as number) <= now) head++
    // Compacts once the dropped front outweighs what is left, so each end is copied O(1) times.
    if (head > 1024 && head * 2 > ends.length) {
      ends = ends.slice(head)
      head = 0
    }
  }

  return {
    admit(now, end, limit) {
      drop(now)
      if (ends.length - head >= limit) return false
      let at = ends.length
      // A shorter ttl than the last one's: kept in order, so that the front always ends first.
      while (at > head && (ends[at - 1] as number) > end) at--
      if (at === ends.length) ends.push(end)
      else ends.splice(at, 0, end)
      return true
    },
    count(now) {
      drop(now)
      return ends.length - head
    },
    clear() {
      ends = []
      head = 0
    },
  }
}
