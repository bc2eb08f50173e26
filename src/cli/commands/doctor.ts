import { parseArgs } from 'node:util'
import { checkApps, checkBaseUrls, checkCallback, checkSealingSecrets } from '../doctor/checks.js'
import { readConfig, sourceOf, variablesHelp } from '../doctor/config.js'
import { probeEmulator } from '../doctor/emulator.js'
import {
  type ClockSample,
  clockCheck,
  probeAuthorize,
  probeToken,
  redisCheck,
} from '../doctor/live.js'
import { Report } from '../doctor/report.js'
import { line, type Output, style } from '../output.js'

export const doctorHelp = `Usage: wxauth doctor [--config file.json] [--live]

Checks the configuration your app reads and predicts WeChat's errors before users hit them:
AppID and AppSecret shapes, the callback URL (BASE_URL + WXAUTH_BASE_PATH + /callback: for
WeChat https, no port and on the authorized domain, else page error 10003), one AppID used for
both flows (10016 / 10005), the sealing secret, the Redis store (PING, 1 s timeout). With --live
it also asks WeChat (or the emulator): a code exchange with a made-up code tells a wrong AppID
(40013) from a wrong AppSecret (40125) from a network problem, the authorize page shows its error
code, and the server's Date header checks the clock. An API base URL that answers as the wxauth
emulator gets the emulator's fixes (its apps, its secrets, its --config), not WeChat's consoles.

Each line is ✓ ok, ! warning or ✗ problem ([ok] / [warn] / [fail] without colour), with a fix
for every problem. Secrets are never printed, only their last 4 characters.

Options:
  -c, --config <file>  JSON with the same fields in camelCase (e.g. {"wechatAppId": "wx…",
                       "baseUrl": "https://example.com", "wxauthSecret": ["new", "old"]});
                       its values win over the environment
      --live           also call WeChat (or the emulator): credentials, authorize page, clock
  -h, --help           show this help

Environment variables:
${variablesHelp()}

Exit status: 0 when nothing failed (warnings allowed), 1 when a check failed, 2 for a usage error.`

/** `wxauth doctor`: prints the checklist; exit 1 when a check failed. */
export async function doctorCommand(args: string[], output: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      live: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    line(output, doctorHelp)
    return 0
  }
  const { config, sources } = await readConfig(process.env, values.config)
  const report = new Report(output)
  const from = values.config ? `the environment and ${values.config}` : 'the environment'
  line(
    output,
    `${style(output, 'bold', 'wxauth doctor')} ${style(output, 'dim', `(configuration from ${from})`)}`,
  )

  report.section('WeChat')
  const bases = checkBaseUrls(config, sources)
  for (const check of bases.checks) report.add(check)

  report.section('Apps')
  const { checks: appChecks, apps } = checkApps(config, sources)
  for (const check of appChecks) report.add(check)

  report.section('Callback URL')
  const kinds = apps.map((a) => a.kind)
  const { checks: callbackChecks, callbackUrl } = checkCallback(
    config,
    sources,
    bases.emulator,
    kinds,
  )
  for (const check of callbackChecks) report.add(check)

  report.section('Sealing secret')
  for (const check of checkSealingSecrets(config, sources, bases.emulator)) report.add(check)

  report.section('Store')
  if (config.redisUrl === undefined) {
    report.add({
      status: 'skip',
      title: `${sourceOf(sources, 'redisUrl')} not set: nothing to connect to (a memory store keeps logins in one process)`,
    })
  } else {
    const redisUrl = config.redisUrl
    await report.run('connecting to Redis', () =>
      redisCheck(redisUrl, sourceOf(sources, 'redisUrl')),
    )
  }

  report.section(values.live ? 'Live checks' : 'Live checks (not run)')
  if (!values.live) {
    report.add({
      status: 'skip',
      title: 'add --live to ask WeChat about the AppIDs, AppSecrets, authorize page and clock',
    })
  } else {
    await live(report, apps, callbackUrl, bases)
  }

  const { fail, warn } = report.counts
  line(output)
  if (fail === 0 && warn === 0) {
    line(output, style(output, 'green', 'No problems found.'))
  } else {
    const parts = [
      fail ? `${fail} problem${fail === 1 ? '' : 's'}` : '',
      warn ? `${warn} warning${warn === 1 ? '' : 's'}` : '',
    ].filter(Boolean)
    line(output, style(output, fail ? 'red' : 'yellow', `${parts.join(', ')}.`))
  }
  return fail > 0 ? 1 : 0
}

async function live(
  report: Report,
  apps: ReturnType<typeof checkApps>['apps'],
  callbackUrl: string | undefined,
  bases: ReturnType<typeof checkBaseUrls>,
): Promise<void> {
  if (apps.length === 0) {
    report.add({ status: 'skip', title: 'no app with a usable AppID and AppSecret to test' })
    return
  }
  const { apiBaseUrl, openBaseUrl } = bases
  // Only a base URL away from WeChat can be the emulator; its fixes are then the emulator's.
  const emulator =
    bases.emulator && apiBaseUrl !== undefined ? await probeEmulator(apiBaseUrl) : undefined
  if (emulator) {
    report.add({
      status: 'ok',
      title: `${apiBaseUrl} answers as the wxauth emulator (${emulator.apps.length} apps; not WeChat)`,
    })
  }
  const clock: ClockSample[] = []
  if (apiBaseUrl === undefined) {
    report.add({ status: 'skip', title: 'credentials not tested: the API base URL is invalid' })
  } else {
    let reachable = true
    for (const app of apps) {
      if (!reachable) {
        report.add({ status: 'skip', title: `${app.appId}: not tested, the API is unreachable` })
        continue
      }
      report.progress(`asking ${apiBaseUrl} about ${app.appId}`)
      const probe = await probeToken(app, apiBaseUrl, clock, emulator)
      report.add(probe.check)
      reachable = probe.reachable
    }
    report.add(clockCheck(clock, apiBaseUrl))
  }
  if (callbackUrl === undefined || openBaseUrl === undefined) {
    report.add({
      status: 'skip',
      title: 'authorize page not opened: the callback URL or page base URL is invalid',
    })
    return
  }
  for (const app of apps) {
    await report.run(`opening the authorize page for ${app.appId}`, () =>
      probeAuthorize(app.kind, app.appId, callbackUrl, openBaseUrl, emulator),
    )
  }
}
