// wxauth on Express: the wxauth middleware serves /auth/wechat/*.
import express from 'express'
import { wxauth } from 'wxauth/express'
import { listen, ready } from './common.mjs'
import { benchAuth, routes } from './wxauth-config.mjs'

const expressApp = express()
const { server, origin } = await listen()
expressApp.use(wxauth(benchAuth(origin)))
server.on('request', expressApp)
ready(origin, routes)
