// The raw baseline: only what a login must do, with no checks at all. /login redirects to the
// authorize page with a fixed state; /callback makes the two GETs (code exchange, userinfo) over an
// undici keep-alive pool, parses them, sets the user id as a plain cookie and redirects to /;
// /session reads the cookie back.
import { Pool } from 'undici'
import { app, emulatorUrl, listen, ready } from './common.mjs'

const { server, origin } = await listen()
const pool = new Pool(emulatorUrl, { connections: 64, keepAliveTimeout: 30_000 })
const authorizeUrl = `${emulatorUrl}/connect/oauth2/authorize?appid=${app.appId}&redirect_uri=${encodeURIComponent(`${origin}/callback`)}&response_type=code&scope=snsapi_userinfo&state=raw#wechat_redirect`

async function getJson(path) {
  const { body } = await pool.request({ method: 'GET', path })
  return JSON.parse(await body.text())
}

server.on('request', async (req, res) => {
  try {
    const [path, query = ''] = req.url.split('?')
    if (path === '/login') {
      res.writeHead(302, { location: authorizeUrl }).end()
    } else if (path === '/callback') {
      const code = new URLSearchParams(query).get('code')
      const token = await getJson(
        `/sns/oauth2/access_token?appid=${app.appId}&secret=${app.secret}&code=${code}&grant_type=authorization_code`,
      )
      const user = await getJson(
        `/sns/userinfo?access_token=${token.access_token}&openid=${token.openid}&lang=zh_CN`,
      )
      res.writeHead(302, { location: '/', 'set-cookie': `uid=${user.openid}; Path=/; HttpOnly` })
      res.end()
    } else if (path === '/session') {
      const uid = /(?:^|;\s*)uid=([^;]*)/.exec(req.headers.cookie ?? '')?.[1]
      if (uid) res.writeHead(200, { 'content-type': 'application/json' }).end(`{"openid":"${uid}"}`)
      else res.writeHead(401).end()
    } else {
      res.writeHead(404).end()
    }
  } catch {
    if (!res.headersSent) res.writeHead(500)
    res.end()
  }
})
ready(origin, { loginPath: '/login', sessionPath: '/session' })
