/**
 * An application's callback (a log sink) that cannot break what calls it: what it throws is
 * dropped, and so is the rejection of a promise it returns, which would otherwise end the process
 * as an unhandled rejection. `undefined` stays `undefined`. @internal
 */
export function quietly<T>(
  callback: ((event: T) => unknown) | undefined,
): ((event: T) => void) | undefined {
  if (callback === undefined) return undefined
  return (event) => {
    try {
      const result: unknown = callback(event)
      if (isThenable(result)) result.then(undefined, ignore)
    } catch {
      // The application's logger failing is not the user's problem.
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

function ignore(): void {}
