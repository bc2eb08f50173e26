// What every contender's server shares: its settings from the environment, a listener on a free
// port of 127.0.0.1, and the IPC handshake with the benchmark (ready, and exit with the parent).
import { createServer } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { defaultOfficialAccount } from 'wxauth/emulator'

/** The emulator's URL, given by the benchmark. */
export const emulatorUrl = requiredEnv('EMULATOR_URL')
/** The emulator's official account (the one inside-WeChat logins use). */
export const app = { appId: defaultOfficialAccount.appId, secret: defaultOfficialAccount.secret }
/** A fixed 32+ character secret for sealed cookies and sessions. */
export const secret = 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz'

function requiredEnv(name) {
  const value = process.env[name]
  if (!value)
    throw new Error(`${name} is not set: run this file through bench/scenarios/logins.mjs`)
  return value
}

/** A node:http server listening on a free port of 127.0.0.1 (handler set later). */
export async function listen(server = createServer()) {
  // Keep-alive connections of the load generator stay open between logins.
  server.keepAliveTimeout = 30_000
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return { server, origin: `http://127.0.0.1:${server.address().port}` }
}

/** Tells the benchmark where the contender listens; exits when the benchmark goes away. */
export function ready(origin, routes) {
  process.on('disconnect', () => process.exit(0))
  process.send?.({ ready: origin, ...routes })
}

/** A port of 127.0.0.1 that was free a moment ago (for servers that must know it before listening). */
export async function freePort() {
  const probe = createNetServer()
  await new Promise((resolve, reject) => {
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', resolve)
  })
  const { port } = probe.address()
  await new Promise((resolve) => probe.close(resolve))
  return port
}
