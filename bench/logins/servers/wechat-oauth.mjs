// Peer: wechat-oauth (node-webot) on Express, with the user's openid in a plain cookie. Its URLs are
// pointed at the emulator by wrapping its request method (see ../wechat-oauth-emulator.mjs).
import express from 'express'
import { patchWeChatOAuth } from '../wechat-oauth-emulator.mjs'
import { app, emulatorUrl, listen, ready } from './common.mjs'

const OAuth = patchWeChatOAuth(emulatorUrl, { keepAlive: process.env.PEER_KEEP_ALIVE !== '0' })
const oauth = new OAuth(app.appId, app.secret)
const expressApp = express()
const { server, origin } = await listen()
const callbackUrl = `${origin}/callback`

expressApp.get('/login', (_req, res) => {
  res.redirect(oauth.getAuthorizeURL(callbackUrl, 'state', 'snsapi_userinfo'))
})
expressApp.get('/callback', (req, res, next) => {
  oauth.getAccessToken(req.query.code, (error, result) => {
    if (error) return next(error)
    oauth.getUser(result.data.openid, (error, user) => {
      if (error) return next(error)
      res.cookie('uid', user.openid, { httpOnly: true, path: '/' })
      res.redirect('/')
    })
  })
})
expressApp.get('/session', (req, res) => {
  const uid = /(?:^|;\s*)uid=([^;]*)/.exec(req.headers.cookie ?? '')?.[1]
  if (uid) res.json({ openid: uid })
  else res.status(401).end()
})
server.on('request', expressApp)
ready(origin, { loginPath: '/login', sessionPath: '/session' })
