import { parseArgs } from 'node:util'
import {
  type AppConfig,
  createEmulator,
  defaultApps,
  defaultOfficialAccount,
  defaultWebsiteApp,
} from '../../emulator/index.js'
import type { FlowEvent } from '../../flow/types.js'
import { type DevApp, startDevApp, urlHost } from '../dev/app.js'
import { line, type Output, style, UsageError } from '../output.js'
import { portInUse } from '../port-in-use.js'

export const devHelp = `Usage: wxauth dev [--port 3000] [--emulator-port 8900] [--host 127.0.0.1]

Runs the whole login locally, with nothing to configure: the WeChat emulator, and an example
app wired to it (wxauth on node:http, a memory store, a random sealing key made at each start).
Open the app and click "Sign in with WeChat": a desktop browser gets the emulator's QR page with
a one-click "simulate scan"; inside WeChat (or with a WeChat user agent), the consent page.

Options:
  -p, --port <port>           the app's port (default 3000; 0 picks a free one)
      --emulator-port <port>  the emulator's port (default 8900; 0 picks a free one)
      --host <host>           address both listen on (default 127.0.0.1)
  -h, --help                  show this help

For development only: the emulator is not WeChat.`

function portOption(name: string, value: string): number {
  const port = Number(value)
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--${name} must be a port number from 0 to 65535; got "${value}"`)
  }
  return port
}

async function inUse(error: unknown, option: string, port: number, host: string) {
  if ((error as { code?: string }).code !== 'EADDRINUSE') return error
  return portInUse('dev', option, port, host)
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}

/** `wxauth dev`: runs the emulator and an example app until Ctrl-C. */
export async function devCommand(
  args: string[],
  output: Output,
  stop: AbortSignal,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', short: 'p', default: '3000' },
      'emulator-port': { type: 'string', default: '8900' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    line(output, devHelp)
    return 0
  }
  const port = portOption('port', values.port)
  const emulatorPort = portOption('emulator-port', values['emulator-port'])
  if (port !== 0 && port === emulatorPort) {
    throw new UsageError(`--port and --emulator-port must differ; both are ${port}`)
  }
  const { host } = values

  // The emulator's apps accept callbacks on localhost and 127.0.0.1, with the app's port thanks to
  // allowLocalPorts; any other host needs adding, with its port.
  const shown = urlHost(host)
  const extra = shown === 'localhost' || shown === '127.0.0.1' ? [] : [`${shown}:*`]
  const withHost = (app: Readonly<AppConfig>): AppConfig => ({
    ...app,
    domains: [...(app.domains ?? []), ...extra],
  })
  const emulator = createEmulator({ apps: defaultApps.map(withHost), allowLocalPorts: true })
  let emulatorUrl: string
  try {
    ;({ url: emulatorUrl } = await emulator.listen({ port: emulatorPort, host }))
  } catch (error) {
    throw await inUse(error, '--emulator-port', emulatorPort, host)
  }

  let app: DevApp
  try {
    app = await startDevApp({
      port,
      host,
      emulatorUrl,
      official: withHost(defaultOfficialAccount),
      website: withHost(defaultWebsiteApp),
      log: (event) => line(output, style(output, 'dim', `  ${describe(event)}`)),
      onError: (error) =>
        output.err.write(`wxauth dev: ${(error as Error).stack ?? String(error)}\n`),
    })
  } catch (error) {
    await emulator.close()
    throw await inUse(error, '--port', port, host)
  }

  line(
    output,
    `${style(output, 'green', 'wxauth dev')} ${style(output, 'dim', '(the emulator stands in for WeChat; for development only)')}`,
  )
  line(output)
  line(output, `  App       ${style(output, 'bold', app.url)}`)
  line(output, `  Emulator  ${emulatorUrl}`)
  line(output)
  line(output, '  Open the app and click "微信登录 / Sign in with WeChat":')
  line(output, `  - in a desktop browser, the emulator's QR page has a one-click "simulate scan";`)
  line(output, '  - inside WeChat (or with a WeChat user agent), you get the consent page.')
  line(output)
  line(
    output,
    `  Local ports are on: the emulator accepts the app's callback on port ${app.port}, where WeChat`,
  )
  line(
    output,
    '  answers 10003 to any port in redirect_uri (wxauth emulator: --allow-local-ports).',
  )
  line(output)
  line(
    output,
    '  A consent is remembered for 30 days, as in WeChat. To see the consent page again, click',
  )
  line(
    output,
    `  "忘记授权记录 / Forget consents" on ${emulatorUrl}/, or: curl -d '' ${emulatorUrl}/__emulator/forget-consents`,
  )
  if (!isLoopback(host)) {
    line(output)
    line(
      output,
      style(output, 'yellow', `  Listening on ${host}: anyone on your network can use both.`),
    )
  }
  line(output)
  line(output, style(output, 'dim', '  Press Ctrl-C to stop.'))

  await new Promise<void>((resolve) => {
    if (stop.aborted) resolve()
    stop.addEventListener('abort', () => resolve(), { once: true })
  })
  await Promise.all([app.close(), emulator.close()])
  line(output, 'Stopped.')
  return 0
}

function describe(event: FlowEvent): string {
  return [event.type, event.code, event.appId].filter(Boolean).join(' ')
}
