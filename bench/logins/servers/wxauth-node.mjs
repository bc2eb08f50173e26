// wxauth on node:http: wxauthHandler serves /auth/wechat/*.
import { wxauthHandler } from 'wxauth/node'
import { listen, ready } from './common.mjs'
import { benchAuth, routes } from './wxauth-config.mjs'

const { server, origin } = await listen()
const handle = wxauthHandler(benchAuth(origin))
server.on('request', async (req, res) => {
  try {
    if (await handle(req, res)) return
    res.writeHead(404).end()
  } catch {
    if (!res.headersSent) res.writeHead(500)
    res.end()
  }
})
ready(origin, routes)
