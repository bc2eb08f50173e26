import type { Store } from '../stores/store.js'
import type { AppKind } from './config.js'

/**
 * One login attempt, from the redirect to WeChat until its callback is consumed. Keyed by `state`,
 * which carries no data itself; bound to the browser by the hash of its binding cookie.
 * @internal
 */
export interface Transaction {
  v: 1
  kind: AppKind
  appId: string
  redirectUri: string
  scope: string
  returnTo: string
  /** SHA-256 of the browser-binding cookie. */
  binding: string
  /** 1 for the first try; restarts count up, so that automatic restarts stay bounded. */
  attempt: number
  createdAt: number
}

/** How long a login attempt may take, WeChat's page included. @internal */
export const TRANSACTION_TTL = 10 * 60 * 1000

/** The store key of a transaction; under `login:`, with every record a login start leads to. @internal */
export const transactionKey = (state: string) => `login:tx:${state}`

/**
 * Records a new login attempt, as one of at most `limit` started within its lifetime; resolves
 * `false`, recording nothing, when that many have been. @internal
 */
export function admitTransaction(
  store: Store,
  state: string,
  tx: Transaction,
  limit: number,
): Promise<boolean> {
  return store.admit(transactionKey(state), JSON.stringify(tx), TRANSACTION_TTL, limit)
}

/** Records a transaction again, for a login that goes on with the same state. @internal */
export function saveTransaction(store: Store, state: string, tx: Transaction): Promise<void> {
  return store.set(transactionKey(state), JSON.stringify(tx), TRANSACTION_TTL)
}

/** Reads a transaction without using it up. @internal */
export async function peekTransaction(
  store: Store,
  state: string,
): Promise<Transaction | undefined> {
  return parse(await store.get(transactionKey(state)))
}

/** Uses a transaction up: of concurrent callers exactly one gets it. @internal */
export async function consumeTransaction(
  store: Store,
  state: string,
): Promise<Transaction | undefined> {
  return parse(await store.consume(transactionKey(state)))
}

function parse(raw: string | undefined): Transaction | undefined {
  if (raw === undefined) return undefined
  try {
    const tx = JSON.parse(raw) as Transaction
    return tx?.v === 1 ? tx : undefined
  } catch {
    return undefined
  }
}
