// Peer: passport-wechat with express-session (its default MemoryStore) on Express. passport-wechat
// uses wechat-oauth internally, pointed at the emulator the same way (../wechat-oauth-emulator.mjs).
import { createRequire } from 'node:module'
import express from 'express'
import session from 'express-session'
import passport from 'passport'
import { patchWeChatOAuth } from '../wechat-oauth-emulator.mjs'
import { app, emulatorUrl, listen, ready, secret } from './common.mjs'

patchWeChatOAuth(emulatorUrl, { keepAlive: process.env.PEER_KEEP_ALIVE !== '0' })
const WeChatStrategy = createRequire(import.meta.url)('passport-wechat')
const expressApp = express()
const { server, origin } = await listen()

passport.use(
  new WeChatStrategy(
    {
      appID: app.appId,
      appSecret: app.secret,
      client: 'wechat',
      callbackURL: `${origin}/callback`,
      scope: 'snsapi_userinfo',
      state: 'state',
    },
    (_accessToken, _refreshToken, profile, _expiresIn, done) => done(null, profile),
  ),
)
passport.serializeUser((user, done) => done(null, user))
passport.deserializeUser((user, done) => done(null, user))

expressApp.use(session({ secret, resave: false, saveUninitialized: false }))
expressApp.use(passport.initialize())
expressApp.use(passport.session())
expressApp.get('/login', passport.authenticate('wechat'))
expressApp.get(
  '/callback',
  passport.authenticate('wechat', { failureRedirect: '/failed' }),
  (_req, res) => res.redirect('/'),
)
expressApp.get('/session', (req, res) => {
  if (req.user) res.json(req.user)
  else res.status(401).end()
})
server.on('request', expressApp)
ready(origin, { loginPath: '/login', sessionPath: '/session' })
