// The settings of the load-and-chaos run, in one place: the processes read what concerns them, and
// docs/RELIABILITY.md prints them. Times are in ms from the start of the load unless named otherwise.

/** Virtual browsers logging in at once, and for how long. */
export const LOAD = { concurrency: 24, durationMs: 75_000 }

/**
 * After a login that failed, the person reads the page before trying again: without this pause the
 * browsers would spin on instant 503s while Redis is down, and those would swamp the figures.
 */
export const RETRY_PAUSE_MS = 500

/** A login that has not ended (a session, or a page that says what went wrong) by then is lost. */
export const LOGIN_BUDGET_MS = 20_000

/**
 * API clients: for each of `users` more WeChat users, `perUser` long-lived sessions (each its own
 * browser, logged in through the same flow) that call GET /app/token (auth.getAccessToken) through
 * either process, again and again, pausing `pauseMs` after a token (RETRY_PAUSE_MS after an error),
 * and log in again when their session is gone. Their users never log in elsewhere, so their tokens
 * only get new through refreshes, which their calls race for across both processes.
 */
export const API_CLIENTS = { users: 4, perUser: 3, pauseMs: 20 }

/** WeChat users the login browsers take turns with (the API clients' users come on top). */
export const LOGIN_USERS = 8

/** wxauth's `wechat` option in both apps: per-attempt timeout and callback budget, short on purpose. */
export const WECHAT = { timeout: 1_000, budget: 3_000 }

/**
 * Chaos mode of the emulator, on for the whole load: a seeded share of the calls to WeChat's API
 * gets a fault of any kind; a `timeout` holds the answer longer than the apps' client waits.
 */
export const CHAOS = {
  rate: 0.12,
  seed: 20_261_125,
  endpoints: ['sns/oauth2/access_token', 'sns/oauth2/refresh_token', 'sns/userinfo'],
  timeoutDelay: 2_500,
}

/**
 * WeChat's user access tokens live 2 hours; the emulator's live 15 minutes in this run, so that a
 * short run sees many expiries. wxauth refreshes a minute before expiry either way.
 */
export const ACCESS_TOKEN_TTL_S = 900

/**
 * Shifts of the clock (emulator and apps together) during the load, every 3 s: each moves time past
 * the access tokens' lifetime, so every user's next token call refreshes for real (a new token,
 * the old one gone). They stay under a day in all: the emulator forgets a token a day after it
 * expired, and the scan asks it about every stored token.
 */
export const CLOCK_SHIFTS = Array.from({ length: 24 }, (_, i) => ({
  at: (i + 1) * 3_000,
  seconds: ACCESS_TOKEN_TTL_S + 100,
}))

/** The one Redis restart: killed (SIGKILL, no persistence, so its data is gone) and down this long. */
export const REDIS_RESTART = { at: 32_000, downMs: 4_000 }

/** When the run scans Redis for login transactions while logins are in flight (I5). */
export const TX_SAMPLES_AT = [20_000, 60_000]

/** Where the apps keep their users, outside wxauth's `wxauth:` namespace: subject → user id. */
export const USERS_KEY = 'app:users'

/** wxauth's session cookie in the apps (prefix `wxauth`, not Secure: plain-http 127.0.0.1). */
export const SESSION_COOKIE = 'wxauth_session'

/** wxauth's key namespace in Redis (redisStore's default prefix). */
export const STORE_PREFIX = 'wxauth:'

/** The apps' secret for sealed cookies and stored tokens (a fixture: the run is local). */
export const SECRET = 'reliability-secret-0123456789-abcdefghijklmnop'

/** Problem codes a login may end on when WeChat and Redis misbehave as they do in this run. */
export const EXPECTED_FAILURES = new Set([
  // Redis down: the flow refuses to start or finish a login it cannot record.
  'store_unavailable',
  // A fault on the code exchange or userinfo beyond what retries and the one restart absorb.
  'wechat_unavailable',
  'code_invalid',
  // The login's records went with Redis's data.
  'state_expired',
  'unauthenticated',
])

/** How long the whole command may take before it stops itself (build excluded), in ms. */
export const HARD_LIMIT_MS = 4 * 60_000

/** How long the hostile-input suites may run, in ms. */
export const SUITES_LIMIT_MS = 120_000
