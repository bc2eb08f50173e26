// Listening on 127.0.0.1 only, on a free port: the run's servers, and a free port for what must
// know its port before it listens (redis-server, the site's public origin).
// bench/logins/servers/common.mjs has helpers like these, but that module imports `wxauth` through
// bench/'s own install, which this run does not need.
import { createServer } from 'node:net'

/**
 * Starts `server` (node:http or node:net) on a free port of 127.0.0.1; resolves the port.
 * @param {import('node:net').Server} server
 */
export async function listenOnLoopback(server) {
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(undefined))
  })
  return /** @type {import('node:net').AddressInfo} */ (server.address()).port
}

/** A port of 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  const probe = createServer()
  const port = await listenOnLoopback(probe)
  await new Promise((resolve) => probe.close(resolve))
  return port
}
