import { parseArgs } from 'node:util'
import { renderUnicodeCompact } from 'uqr'
import { buildAuthorizeUrl, buildQrConnectUrl } from '../../client/authorize.js'
import type { OfficialAccountScope } from '../../client/types.js'
import { randomBase62 } from '../../flow/random.js'
import { basePathOf, readConfig } from '../doctor/config.js'
import { line, type Output, style, UsageError } from '../output.js'

export const urlHelp = `Usage: wxauth url [--app-id <id>] [--redirect-uri <url>] [--scope <scope>] [--state <state>]
                 [--open-base-url <url>] [--no-qr]

Prints a WeChat authorize link built by the library (parameters in WeChat's order, with
#wechat_redirect), and a QR code of it to scan with WeChat.

  snsapi_base, snsapi_userinfo  connect/oauth2/authorize: an official account, inside WeChat
  snsapi_login                  connect/qrconnect: a website app, QR login on desktop

Options:
      --app-id <id>          AppID (default: WECHAT_APP_ID, or WECHAT_WEBSITE_APP_ID for snsapi_login)
      --redirect-uri <url>   callback (default: BASE_URL + WXAUTH_BASE_PATH + /callback)
      --scope <scope>        snsapi_base | snsapi_userinfo | snsapi_login (default: snsapi_userinfo,
                             or snsapi_login for the website app)
      --state <state>        up to 128 characters of [A-Za-z0-9] (default: random)
      --open-base-url <url>  authorize pages (default: WECHAT_OPEN_BASE_URL, else open.weixin.qq.com)
      --no-qr                print the link only
  -h, --help                 show this help

A generated state is unknown to your app, so its callback will refuse the login: use the link
to see what WeChat says about the AppID, scope and callback domain.`

/** `wxauth url`: prints an authorize link and its QR code. */
export async function urlCommand(args: string[], output: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'app-id': { type: 'string' },
      'redirect-uri': { type: 'string' },
      scope: { type: 'string' },
      state: { type: 'string' },
      'open-base-url': { type: 'string' },
      'no-qr': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    line(output, urlHelp)
    return 0
  }
  const { config } = await readConfig(process.env)
  const appIdGiven = values['app-id']
  let scope = values.scope
  if (scope === undefined) {
    const website =
      appIdGiven !== undefined
        ? appIdGiven === config.wechatWebsiteAppId
        : config.wechatAppId === undefined && config.wechatWebsiteAppId !== undefined
    scope = website ? 'snsapi_login' : 'snsapi_userinfo'
  }
  const qrConnect = scope === 'snsapi_login'
  const appId = appIdGiven ?? (qrConnect ? config.wechatWebsiteAppId : config.wechatAppId)
  if (appId === undefined) {
    throw new UsageError(
      `no AppID: pass --app-id or set ${qrConnect ? 'WECHAT_WEBSITE_APP_ID' : 'WECHAT_APP_ID'}`,
    )
  }
  let redirectUri = values['redirect-uri']
  if (redirectUri === undefined) {
    if (config.baseUrl === undefined) {
      throw new UsageError('no redirect URI: pass --redirect-uri or set BASE_URL')
    }
    redirectUri = `${config.baseUrl.replace(/\/+$/, '')}${basePathOf(config)}/callback`
  }
  const state = values.state ?? randomBase62(32)
  const openBaseUrl = values['open-base-url'] ?? config.wechatOpenBaseUrl
  const target = openBaseUrl === undefined ? { appId } : { appId, openBaseUrl }
  let url: string
  try {
    url = qrConnect
      ? buildQrConnectUrl({ ...target, redirectUri, state, scope: 'snsapi_login' })
      : buildAuthorizeUrl({ ...target, redirectUri, state, scope: scope as OfficialAccountScope })
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message)
    throw error
  }

  line(output, url)
  if (!values['no-qr']) {
    line(output)
    line(output, qrCode(url, output))
  }
  line(output)
  const where = qrConnect
    ? 'website QR login (connect/qrconnect): open it in a desktop browser'
    : 'official account authorization (connect/oauth2/authorize): open it inside WeChat'
  line(output, style(output, 'dim', `  ${where}`))
  line(output, style(output, 'dim', `  app ${appId} · scope ${scope} · state ${state}`))
  line(output, style(output, 'dim', `  callback ${redirectUri}`))
  return 0
}

/**
 * The QR code in half-block characters: dark modules as spaces, light ones as blocks, which reads
 * on a dark terminal; with colour, black on white whatever the terminal's theme.
 */
function qrCode(url: string, output: Output): string {
  const text = renderUnicodeCompact(url, { border: 2 })
  if (!output.color) return text
  return text
    .split('\n')
    .map((row) => `\u001b[97;40m${row}\u001b[0m`)
    .join('\n')
}
