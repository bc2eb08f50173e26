// One instance of the app, as its own process: forked by the stampede scenario with its
// configuration as JSON in argv[2] (`store`: 'memory' or 'redis'). It holds two wxauth instances on
// one store: `login`, on the real clock, through which the user logs in, and `measured`, whose
// clock is SHIFT_MS ahead so that the stored access token is expired for it. It answers
// `{ type: 'ready' }`, then one reply (same `id`) per message:
//   { type: 'login' }                          → { subject, token }   (a login through the routes)
//   { type: 'run', subject, callers, startAt, expired } → the stampede's result (see common.mjs);
//                                              `expired: false` runs it on `login`, whose token is valid
//   { type: 'token', subject }                 → { token }   (what the store holds now)
// It exits when told to stop, when the scenario goes away (IPC closed), or after maxLifetime.
import { Redis } from 'ioredis'
import { memoryStore } from '../../dist/index.js'
import { redisStore } from '../../dist/stores/redis/index.js'
import { login, makeAuth, SHIFT_MS, stampede } from './common.mjs'

const input = JSON.parse(process.argv[2] ?? '{}')
const client =
  input.store === 'redis'
    ? new Redis(input.redisUrl, { lazyConnect: true, enableOfflineQueue: false })
    : undefined
client?.on('error', () => {})

function quit() {
  client?.disconnect()
  process.exit(0)
}
process.on('disconnect', quit)
setTimeout(quit, input.maxLifetime ?? 120_000).unref()

await client?.connect()
const store = client ? redisStore({ client, prefix: input.prefix }) : memoryStore()
const app = { apiUrl: input.apiUrl, appId: input.appId, appSecret: input.appSecret, store }
const loginAuth = makeAuth(app)
const measured = makeAuth({ ...app, shift: SHIFT_MS })

const handlers = {
  async login() {
    const { subject } = await login(loginAuth)
    return { subject, token: await loginAuth.getAccessToken(subject) }
  },
  run: ({ subject, callers, startAt, expired }) =>
    stampede(expired ? measured : loginAuth, subject, callers, startAt),
  // On the real clock the refreshed token is fresh: this reads the store, never calls WeChat.
  token: async ({ subject }) => ({ token: await loginAuth.getAccessToken(subject) }),
  stop: quit,
}

process.on('message', (message) => {
  const handler = handlers[message?.type]
  if (!handler) return
  Promise.resolve()
    .then(() => handler(message))
    .then(
      (result) => process.send({ id: message.id, result }),
      (error) => process.send({ id: message.id, error: `${error?.name}: ${error?.message}` }),
    )
})
process.send({ type: 'ready' })
