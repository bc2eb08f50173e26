// One instance of an app: asks for a user's access token from several callers at once, at an agreed
// moment, and prints what it got. Run as its own process, bundled by the test.
import { Redis } from 'ioredis'
import { createWxAuth } from '../../../src/flow/index.js'
import { redisStore } from '../../../src/stores/redis/index.js'

const input = JSON.parse(process.argv[2] ?? '{}')
const client = new Redis(input.redisUrl, {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
})
await client.connect()
const auth = createWxAuth({
  apps: { official: { appId: input.appId, appSecret: input.appSecret } },
  baseUrl: 'http://localhost:3000',
  secrets: [input.secret],
  apiBaseUrl: input.apiUrl,
  openBaseUrl: input.apiUrl,
  store: redisStore({ client, prefix: input.prefix }),
  // The access token is two hours old for this instance.
  now: () => Date.now() + input.shift,
})
await new Promise((resolve) => setTimeout(resolve, Math.max(0, input.startAt - Date.now())))
const tokens = await Promise.all(
  Array.from({ length: input.callers }, () => auth.getAccessToken(input.subject)),
)
process.stdout.write(JSON.stringify(tokens))
client.disconnect()
