/** `code` of a {@link StoreError} for a call that took longer than the store's timeout. */
export const STORE_TIMEOUT = 'STORE_TIMEOUT'
/** `code` of a {@link StoreError} for a backend that cannot be reached or answered with an error. */
export const STORE_UNAVAILABLE = 'STORE_UNAVAILABLE'

/** A store could not complete an operation. The operation may or may not have taken effect. */
export class StoreError extends Error {
  /** Stable machine-readable code. */
  readonly code: typeof STORE_TIMEOUT | typeof STORE_UNAVAILABLE
  /** The store method that failed, e.g. `consume`. */
  readonly operation: string

  /** @internal */
  constructor(
    message: string,
    init: { code: StoreError['code']; operation: string; cause?: unknown },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause })
    this.name = new.target.name
    this.code = init.code
    this.operation = init.operation
    Error.captureStackTrace?.(this, new.target)
  }
}
