import { STORE_TIMEOUT, STORE_UNAVAILABLE, StoreError } from '../errors.js'
import type { Commands } from './commands.js'

/**
 * Sends one command as the store operation `operation` and settles within the timeout: with
 * `map(reply)`, a `STORE_TIMEOUT` error when the time is up, or a `STORE_UNAVAILABLE` error when
 * it fails. When the command fails, `retry` may name another command to send instead, within the
 * same deadline. Late replies and failures are ignored. @internal
 */
export type Run = <T>(
  operation: string,
  args: string[],
  map: (reply: unknown) => T,
  retry?: (error: unknown) => string[] | undefined,
) => Promise<T>

interface Pending {
  readonly operation: string
  readonly deadline: number
  readonly reject: (error: StoreError) => void
  readonly controller: AbortController | undefined
  done: boolean
}

/**
 * A {@link Run} over `commands` with a timeout of `ms`. All operations share one timeout, so
 * their deadlines come in the order they start: one queue and one timer serve them all, which
 * costs far less than a timer per operation. On node-redis, an operation that times out also
 * withdraws its command if it has not been written yet. @internal
 */
export function runner(commands: Commands, ms: number): Run {
  const queue: (Pending | undefined)[] = []
  let head = 0
  let open = 0
  let timer: NodeJS.Timeout | undefined
  let yielding: NodeJS.Immediate | undefined

  // After the event loop was blocked for longer than the timeout, Node runs due timers before it
  // reads the sockets, so replies that arrived in time would lose to the deadline. The timer only
  // yields once: `setImmediate` runs after the poll phase, which hands those replies over first.
  function due() {
    timer = undefined
    yielding = setImmediate(expire)
  }

  function expire() {
    yielding = undefined
    const now = performance.now()
    while (head < queue.length) {
      const pending = queue[head] as Pending
      if (!pending.done) {
        if (pending.deadline > now) break
        finish(pending)
        pending.reject(
          new StoreError(`Redis store ${pending.operation} took longer than ${ms} ms`, {
            code: STORE_TIMEOUT,
            operation: pending.operation,
          }),
        )
        pending.controller?.abort()
      }
      queue[head++] = undefined
    }
    if (head === queue.length) {
      queue.length = 0
      head = 0
    } else {
      if (head > 1024 && head * 2 > queue.length) {
        queue.splice(0, head)
        head = 0
      }
      timer = setTimeout(due, (queue[head] as Pending).deadline - now)
    }
  }

  function finish(pending: Pending) {
    pending.done = true
    if (--open === 0 && (timer !== undefined || yielding !== undefined)) {
      clearTimeout(timer)
      clearImmediate(yielding)
      timer = undefined
      yielding = undefined
      queue.length = 0
      head = 0
    }
  }

  return (operation, args, map, retry) =>
    new Promise((resolve, reject) => {
      const controller = commands.abortable ? new AbortController() : undefined
      const pending: Pending = {
        operation,
        deadline: performance.now() + ms,
        reject,
        controller,
        done: false,
      }
      queue.push(pending)
      open++
      if (timer === undefined && yielding === undefined) timer = setTimeout(due, ms)

      const fail = (error: unknown) => {
        if (pending.done) return
        finish(pending)
        const cause = redact(error)
        reject(
          new StoreError(`Redis store ${operation} failed: ${cause.message}`, {
            code: STORE_UNAVAILABLE,
            operation,
            cause,
          }),
        )
      }
      const succeed = (reply: unknown) => {
        if (pending.done) return
        let value: ReturnType<typeof map>
        try {
          value = map(reply)
        } catch (error) {
          return fail(error)
        }
        finish(pending)
        resolve(value)
      }
      send(commands, args, controller).then(
        succeed,
        retry === undefined
          ? fail
          : (error: unknown) => {
              const instead = pending.done ? undefined : retry(error)
              if (instead === undefined) fail(error)
              else send(commands, instead, controller).then(succeed, fail)
            },
      )
    })
}

function send(commands: Commands, args: string[], controller: AbortController | undefined) {
  try {
    return commands.send(args, controller?.signal)
  } catch (error) {
    return Promise.reject(error)
  }
}

// Client errors carry the command's arguments (ioredis sets `command.args`, Redis echoes them in
// "with args beginning with"), and those are keys and values such as tokens: keep only the gist.
function redact(error: unknown): Error {
  if (!(error instanceof Error)) return new Error('non-Error rejection')
  const message = (error.message.split('\n', 1)[0] ?? '').replace(
    /,? with args beginning with.*$/,
    '',
  )
  const copy = new Error(message.trim())
  copy.name = error.name
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string')
    Object.defineProperty(copy, 'code', { value: code, enumerable: true })
  return copy
}
