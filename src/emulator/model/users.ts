/** The registered WeChat users. */
import type { UserConfig } from '../config.js'

/** Registered users by id. */
export class Users {
  readonly #users = new Map<string, UserConfig>()

  constructor(initial: readonly UserConfig[]) {
    this.reset(initial)
  }

  get(id: string | undefined): UserConfig | undefined {
    return id === undefined ? undefined : this.#users.get(id)
  }

  /** Adds a user, replacing one with the same id. */
  put(user: UserConfig): void {
    this.#users.set(user.id, user)
  }

  /** How many are registered. */
  get size(): number {
    return this.#users.size
  }

  list(): UserConfig[] {
    return [...this.#users.values()]
  }

  /** Who a browser "is" until it picks someone: the first real (non-snapshot) user. */
  defaultUser(): UserConfig | undefined {
    const all = this.list()
    return all.find((u) => !u.snapshot) ?? all[0]
  }

  reset(initial: readonly UserConfig[]): void {
    this.#users.clear()
    for (const user of initial) this.#users.set(user.id, user)
  }
}
