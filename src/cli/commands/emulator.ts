import { parseArgs } from 'node:util'
import {
  createEmulator,
  type Emulator,
  EmulatorConfigError,
  type EmulatorOptions,
} from '../../emulator/index.js'
import { maskSecret } from '../../emulator/mask-secret.js'
import { readJsonFile } from '../json-file.js'
import { line, type Output, style, UsageError } from '../output.js'
import { portInUse } from '../port-in-use.js'

export const emulatorHelp = `Usage: wxauth emulator [--port 8900] [--host 127.0.0.1] [--config file.json] [--allow-local-ports]

Starts a local WeChat emulator: the paths of api.weixin.qq.com and open.weixin.qq.com on one
port, with consent and QR login pages, apps and users to log in with, and a scripting API
under /__emulator/. It is not WeChat and is for development and tests only.

Options:
  -p, --port <port>    port to listen on (default 8900; 0 picks a free one)
      --host <host>    address to bind (default 127.0.0.1)
  -c, --config <file>  JSON with "apps", "users" and "behaviour" (default: built-in demo apps)
      --public-url <url>  base URL for links in pages and QR codes, e.g. your LAN address
                       so a real phone can scan (default: the listening address)
      --allow-local-ports  accept a port in redirect_uri on localhost, 127.0.0.1 and [::1]
                       (an app on http://localhost:3000); WeChat answers 10003 to any port,
                       and so does the emulator without this
  -h, --help           show this help

Point your app at it with apiBaseUrl and openBaseUrl set to the printed URL.`

/** `wxauth emulator`: runs the emulator until Ctrl-C. */
export async function emulatorCommand(
  args: string[],
  output: Output,
  stop: AbortSignal,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', short: 'p', default: '8900' },
      host: { type: 'string', default: '127.0.0.1' },
      config: { type: 'string', short: 'c' },
      'public-url': { type: 'string' },
      'allow-local-ports': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    line(output, emulatorHelp)
    return 0
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be a port number from 0 to 65535; got "${values.port}"`)
  }
  const options = values.config ? await readConfig(values.config) : {}
  if (values['public-url'] !== undefined) options.publicUrl = values['public-url']
  if (values['allow-local-ports']) options.allowLocalPorts = true
  let emulator: Emulator
  try {
    emulator = createEmulator(options)
  } catch (error) {
    if (!(error instanceof EmulatorConfigError)) throw error
    throw new UsageError(
      `invalid configuration${values.config ? ` in ${values.config}` : ''}: ${withoutOddKeys(error.message)}`,
    )
  }
  let url: string
  try {
    ;({ url } = await emulator.listen({ port, host: values.host }))
  } catch (error) {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error
    throw await portInUse('emulator', '--port', port, values.host)
  }

  line(
    output,
    `${style(output, 'green', 'wxauth emulator')} ${style(output, 'dim', '(not WeChat; for development and tests)')}`,
  )
  line(output)
  line(output, `  Open ${style(output, 'bold', url)} in a browser to try a login by hand.`)
  line(output)
  if (!isLoopback(values.host)) {
    line(
      output,
      style(
        output,
        'yellow',
        `  Listening on ${values.host}: anyone on your network can use this emulator.`,
      ),
    )
  }
  line(output, values.config ? '  Apps:' : '  Apps (these secrets exist only in this emulator):')
  for (const app of emulator.apps) {
    // Secrets from a config file are the user's own; only the built-in demo secrets are shown.
    const secret = values.config ? maskSecret(app.secret) : app.secret
    line(
      output,
      `    ${app.kind.padEnd(12)} ${app.appId}  secret ${secret}  ${style(output, 'dim', app.name ?? '')}`,
    )
  }
  line(output)
  line(output, `  ${localPortsNote(emulator)}`)
  line(output, `  Client options: { apiBaseUrl: '${url}', openBaseUrl: '${url}' }`)
  line(output, style(output, 'dim', '  Press Ctrl-C to stop.'))

  await new Promise<void>((resolve) => {
    if (stop.aborted) resolve()
    stop.addEventListener('abort', () => resolve(), { once: true })
  })
  await emulator.close()
  line(output, 'Emulator stopped.')
  return 0
}

/** What the emulator does with a port in redirect_uri, and how to change it. */
function localPortsNote(emulator: Emulator): string {
  return emulator.allowLocalPorts
    ? 'Local ports: on. A redirect_uri on localhost, 127.0.0.1 or [::1] may carry a port (WeChat answers 10003 to any port).'
    : 'Local ports: off. A port in redirect_uri gets 10003, as on WeChat; for an app on localhost:PORT, add --allow-local-ports.'
}

async function readConfig(path: string): Promise<EmulatorOptions> {
  const config = await readJsonFile(path)
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new UsageError(
      `--config ${path} must hold a JSON object with "apps", "users" and "behaviour"`,
    )
  }
  return config as EmulatorOptions
}

/**
 * The emulator names the field at fault by its path in the file (`"apps[0].secret"`); a key that
 * is not a name (digits or symbols: a value typed as a key, perhaps a secret) is not shown.
 */
function withoutOddKeys(message: string): string {
  return message.replace(/^"([^"]*)"/, (_, path: string) => {
    const parts = path.split('.').map((part) => (/^[A-Za-z_]+(\[\d+\])*$/.test(part) ? part : '…'))
    return `"${parts.join('.')}"`
  })
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}
