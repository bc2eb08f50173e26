// The run's clock, shared by every process: wall time plus shifts that take effect at set wall
// times. The emulator (its `clock` option) and both apps (wxauth's `now` option) get the same
// schedule before the load starts, so a shift happens in all of them at the same instant without a
// message having to arrive in time: an access token expires in the apps exactly when it expires at
// "WeChat", and refreshes happen for real (a new token, the old one gone).

/** @typedef {{ at: number, seconds: number }} Shift  `at`: wall time (ms); `seconds`: forward. */

/**
 * A clock that starts as the wall clock; `set(shifts)` gives it its schedule.
 * @returns {{ now: () => number, epochAt: (wall: number) => number, set: (shifts: Shift[]) => void }}
 */
export function shiftedClock() {
  /** @type {Shift[]} */
  let shifts = []
  return {
    /** Wall time plus every shift whose time has come, in ms. */
    now() {
      const wall = Date.now()
      let offset = 0
      for (const shift of shifts) if (shift.at <= wall) offset += shift.seconds * 1000
      return wall + offset
    },
    /** How many shifts had happened at wall time `wall`: 0 before the first. */
    epochAt(wall) {
      let epoch = 0
      for (const shift of shifts) if (shift.at <= wall) epoch++
      return epoch
    },
    set(next) {
      if (!Array.isArray(next) || next.some((s) => !(s.at > 0 && s.seconds > 0))) {
        throw new TypeError('shifts must be a list of { at: wall ms, seconds: > 0 }')
      }
      shifts = [...next].sort((a, b) => a.at - b.at)
    },
  }
}

/**
 * In a child process: takes the schedule from a `{ shifts }` message of the parent and confirms
 * with `{ shiftsSet: true }`, so that the parent knows every clock has it before the load starts.
 */
export function acceptShifts(clock) {
  process.on('message', (message) => {
    if (!message || !Array.isArray(message.shifts)) return
    clock.set(message.shifts)
    process.send?.({ shiftsSet: true })
  })
}

/** In the parent: sends the schedule to a child started with IPC and waits (bounded) for its ack. */
export function sendShifts(child, shifts, timeoutMs = 5_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage)
      reject(new Error(`process ${child.pid} did not take the clock schedule in ${timeoutMs} ms`))
    }, timeoutMs)
    function onMessage(message) {
      if (!message?.shiftsSet) return
      clearTimeout(timer)
      child.off('message', onMessage)
      resolve()
    }
    child.on('message', onMessage)
    child.send({ shifts })
  })
}
