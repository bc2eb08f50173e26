// Peer: Auth.js (@auth/express) with its WeChat provider (official account), JWT sessions (its
// default without a database). The provider's three endpoints are overridden to the emulator's.
// A login in Auth.js is a POST (with its CSRF token) to /auth/signin/wechat.

import WeChat from '@auth/core/providers/wechat'
import { ExpressAuth } from '@auth/express'
import express from 'express'
import { app, emulatorUrl, listen, ready, secret } from './common.mjs'

const expressApp = express()
const { server, origin } = await listen()
expressApp.set('trust proxy', true)
expressApp.use(
  '/auth',
  ExpressAuth({
    secret,
    trustHost: true,
    providers: [
      WeChat({
        clientId: app.appId,
        clientSecret: app.secret,
        platformType: 'OfficialAccount',
        authorization: { url: `${emulatorUrl}/connect/oauth2/authorize` },
        token: { url: `${emulatorUrl}/sns/oauth2/access_token` },
        userinfo: { url: `${emulatorUrl}/sns/userinfo` },
      }),
    ],
    callbacks: {
      // The session carries the user's id (the unionid, as the provider's profile() sets it).
      session: ({ session, token }) => ({ ...session, user: { ...session.user, id: token.sub } }),
    },
  }),
)
server.on('request', expressApp)
ready(origin, {
  loginPath: '/auth/signin/wechat',
  csrfPath: '/auth/csrf',
  sessionPath: '/auth/session',
  flow: 'authjs',
})
