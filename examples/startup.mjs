// What the plain-JavaScript examples share at startup: a missing or invalid configuration, or a
// port in use, ends the process with a line saying what to do instead of a stack trace.
// Not part of wxauth: in your own app, read and check your configuration your own way.
import { createServer } from 'node:net'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const REQUIRED = ['WECHAT_APP_ID', 'WECHAT_APP_SECRET', 'WXAUTH_SECRET']

const here = (path) => relative(process.cwd(), path) || '.'
const script = () => here(process.argv[1] ?? 'server.mjs')
const envFile = () => here(fileURLToPath(new URL('emulator.env', import.meta.url)))

function exit(...lines) {
  console.error(lines.join('\n'))
  process.exit(1)
}

/** `create(options)` (createWxAuth) once the variables the examples need are set. */
export function configured(create, options) {
  const missing = REQUIRED.filter((name) => !process.env[name])
  if (process.env.WECHAT_WEBSITE_APP_ID && !process.env.WECHAT_WEBSITE_APP_SECRET) {
    missing.push('WECHAT_WEBSITE_APP_SECRET')
  }
  if (missing.length > 0) {
    exit(
      `Missing configuration: set ${missing.join(', ')} (examples/README.md describes each).`,
      `Against the emulator (npx wxauth emulator): node --env-file=${envFile()} ${script()}`,
    )
  }
  try {
    return create(options)
  } catch (error) {
    // createWxAuth's messages name the option; they never hold a secret.
    if (!String(error?.code).startsWith('ERR_INVALID_ARG')) throw error
    exit(`Invalid configuration: ${error.message} (examples/README.md describes each variable).`)
  }
}

function isFree(port) {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, () => probe.close(() => resolve(true)))
  })
}

/** Ends the process on a port in use with the command to start on a free one; rethrows others. */
export async function portTaken(error) {
  if (error?.code !== 'EADDRINUSE') throw error
  const port = Number(process.env.PORT ?? 3000)
  let next = port + 1
  while (next < port + 20 && !(await isFree(next))) next++
  // The callback URL follows the port: BASE_URL too, when it names this one.
  const base = URL.parse(process.env.BASE_URL ?? '')
  const moved =
    base?.port === String(port) ? ` BASE_URL=${base.origin.replace(/:\d+$/, `:${next}`)}` : ''
  const node = ['node', ...process.execArgv, script()].join(' ')
  exit(`Port ${port} is in use; start on another with: PORT=${next}${moved} ${node}`)
}

/** Prints the URL once `server` listens; a port in use ends the process ({@link portTaken}). */
export function listening(server, url) {
  server.once('error', portTaken)
  server.once('listening', () => console.log(`Listening on ${url}`))
  return server
}
