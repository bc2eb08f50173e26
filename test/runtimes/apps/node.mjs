// wxauth on Node.js with its node:http adapter: `node node.mjs`, configured by environment
// variables (examples/README.md), on PORT. `/` answers which runtime served it and whose session
// the request carries. Run by Node 20 (the machine's), 22 and 24 (from the npm registry).
import { createServer } from 'node:http'
import { createWxAuth } from 'wxauth'
import { getSession, wxauthHandler } from 'wxauth/node'

const env = process.env
const auth = createWxAuth({
  apps: { official: { appId: env.WECHAT_APP_ID, appSecret: env.WECHAT_APP_SECRET } },
  baseUrl: env.BASE_URL,
  secrets: [env.WXAUTH_SECRET],
  apiBaseUrl: env.WECHAT_API_BASE_URL,
  openBaseUrl: env.WECHAT_OPEN_BASE_URL,
})

const handleAuth = wxauthHandler(auth)
const runtime = `Node.js ${process.versions.node}`

const server = createServer(async (req, res) => {
  if (await handleAuth(req, res)) return
  const session = await getSession(auth, req)
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ runtime, openid: session?.identity.openid ?? null }))
})
server.listen(Number(env.PORT), '127.0.0.1', () => {
  console.log(`Listening on http://127.0.0.1:${server.address().port}`)
})
