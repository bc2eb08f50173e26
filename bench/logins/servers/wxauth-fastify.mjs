// wxauth on Fastify: the wxauth plugin serves /auth/wechat/*.
import Fastify from 'fastify'
import { wxauth } from 'wxauth/fastify'
import { freePort, ready } from './common.mjs'
import { benchAuth, routes } from './wxauth-config.mjs'

// The plugin needs the auth (and so the origin) before Fastify listens.
const port = await freePort()
const origin = `http://127.0.0.1:${port}`
const fastify = Fastify({ keepAliveTimeout: 30_000 })
await fastify.register(wxauth, { auth: benchAuth(origin) })
await fastify.listen({ port, host: '127.0.0.1' })
ready(origin, routes)
