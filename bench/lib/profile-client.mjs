// Runs the wxauth client (exchange + userinfo) against an upstream for a CPU profile:
// node --cpu-prof --cpu-prof-dir=DIR bench/lib/profile-client.mjs URL COUNT
import { createClient } from 'wxauth'
import { defaultOfficialAccount } from 'wxauth/emulator'
import { runPool } from './load.mjs'

const [url, count = '30000'] = process.argv.slice(2)
const { appId, secret } = defaultOfficialAccount
const client = createClient({ appId, appSecret: secret, apiBaseUrl: url })
const n = Number(count)
const result = await runPool({
  count: n,
  concurrency: 64,
  timeoutMs: 45_000,
  op: async (i) => {
    const tokens = await client.exchangeCode(`0a1B${String(i).padStart(28, '0')}`)
    await client.getUserInfo(tokens.access_token, tokens.openid)
  },
})
if (result.errors > 0) throw result.firstError
process.exit(0)
