import type { Outcome } from './callback.js'
import type { ResolvedConfig } from './config.js'
import type { Sealer } from './seal.js'
import type { Sessions } from './session.js'
import type { TokenKeeper } from './tokens.js'
import type { UnionidLinks } from './unionid-links.js'

/** Everything the routes share. @internal */
export interface FlowContext {
  config: ResolvedConfig
  sealer: Sealer
  sessions: Sessions
  tokens: TokenKeeper
  /** The unionid each openid was last seen with, for logins that come without it. */
  links: UnionidLinks
  names: { session: string; binding: string }
  /** Exchanges running in this process, by state, for duplicate callbacks to join. */
  inflight: Map<string, { binding: string; outcome: Promise<Outcome> }>
}
