/** Validation of oauth2/authorize and qrconnect links, in the order WeChat reports problems. */

import { hasControl } from '../api/wire.js'
import type { AppConfig } from '../config.js'
import type { Ctx } from '../context.js'
import { demoCallbackPath } from '../demo.js'
import { allowsRedirect, isLoopbackHost, scopesOf } from '../model/apps.js'
import type { AuthRequest } from '../model/pending.js'
import { type Bilingual, kindLabel } from '../pages/i18n.js'
import { PageError } from './page.js'

type Param = { kind: 'missing' } | { kind: 'invalid' } | { kind: 'ok'; value: string }

function param(url: URL, name: string): Param {
  const values = url.searchParams.getAll(name)
  if (values.length === 0 || values.every((v) => v === '')) return { kind: 'missing' }
  const value = values[0] as string
  if (values.length > 1 || value.length > 2048 || hasControl(value)) {
    return { kind: 'invalid' }
  }
  return { kind: 'ok', value }
}

function required(url: URL, name: string, missing: number, invalid: PageError): string {
  const p = param(url, name)
  if (p.kind === 'missing') throw new PageError(missing)
  if (p.kind === 'invalid') throw invalid
  return p.value
}

function appFor(ctx: Ctx): AppConfig {
  const appid = required(ctx.url, 'appid', 10012, unknownApp(undefined))
  const app = ctx.env.world.apps.get(appid)
  if (!app) throw unknownApp(appid)
  return app
}

/** An appid the emulator does not know (undefined: duplicated or malformed). */
function unknownApp(appid: string | undefined): PageError {
  const which = {
    zh: appid === undefined ? '（appid 重复或格式不对）' : ` ${appid} `,
    en: appid === undefined ? ' (duplicated or malformed)' : ` ${appid}`,
  }
  return new PageError(undefined, {
    message: {
      zh: '此链接无法打开：appid 不是已注册的应用。',
      en: 'This link cannot be opened: the appid is not a registered app.',
    },
    hint: {
      zh: `模拟器中没有 appid 为${which.zh}的应用（应用列表见首页 GET /，或用 POST /__emulator/apps 添加）。`,
      en: `No app with appid${which.en} is configured in the emulator (see GET / for the apps, or POST /__emulator/apps).`,
    },
  })
}

/** A hint in both languages that needs no translation of its own. */
const both = (zh: string, en: string): Bilingual => ({ zh, en })

/** The emulator's own demo callback (home page links), which stands in for an app on its host. */
function isDemoCallback(ctx: Ctx, uri: URL): boolean {
  return uri.origin === URL.parse(ctx.env.baseUrl())?.origin && uri.pathname === demoCallbackPath
}

function checkRedirect(ctx: Ctx, raw: string, domainsOf: AppConfig): void {
  const uri = URL.parse(raw)
  if (uri && isDemoCallback(ctx, uri)) return
  if (!uri || !allowsRedirect(domainsOf, uri, ctx.env.allowLocalPorts)) {
    const domains = domainsOf.domains ?? []
    const localPort = uri !== null && uri.port !== '' && isLoopbackHost(uri.hostname)
    const fix = localPort
      ? both(
          '应用跑在 localhost:端口 上时，请以 allowLocalPorts: true 启动模拟器（wxauth emulator --allow-local-ports；wxauth dev 已默认打开）。',
          ' For an app on localhost:PORT, start the emulator with allowLocalPorts: true (wxauth emulator --allow-local-ports; wxauth dev does it).',
        )
      : both('', '')
    throw new PageError(10003, {
      hint: both(
        `redirect_uri 的主机必须与授权域名完全一致，而且微信不接受其中带端口。${fix.zh}${domainsOf.appId} 的授权域名：${domains.join('、') || '无'}。`,
        `The redirect_uri host must equal an authorized domain, and WeChat refuses any port in it.${fix.en} Authorized domains of ${domainsOf.appId}: ${domains.join(', ') || '(none)'}.`,
      ),
    })
  }
}

function checkState(ctx: Ctx, strictCharset: boolean): string {
  const values = ctx.url.searchParams.getAll('state')
  if (values.length > 1) {
    throw new PageError(undefined, {
      hint: both('state 参数出现了不止一次。', 'state appears more than once.'),
    })
  }
  const state = values[0] ?? ''
  if (new TextEncoder().encode(state).length > 128) {
    throw new PageError(undefined, {
      hint: both(
        'state 最长 128 字节（[A-Za-z0-9]）。',
        'state is limited to 128 bytes ([A-Za-z0-9]).',
      ),
    })
  }
  if (strictCharset && !/^[A-Za-z0-9]*$/.test(state)) {
    throw new PageError(undefined, {
      hint: both('state 只能包含 a-z、A-Z 和 0-9。', 'state may only contain a-z, A-Z and 0-9.'),
    })
  }
  return state
}

function checkResponseType(url: URL): void {
  if (url.searchParams.getAll('response_type').join('\u0000') !== 'code') {
    throw new PageError(undefined, {
      hint: both('response_type 必须正好是 code。', 'response_type must be exactly "code".'),
    })
  }
}

function queryNames(url: URL): string[] {
  return url.search
    .slice(1)
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const name = p.split('=', 1)[0] as string
      try {
        return decodeURIComponent(name)
      } catch {
        return name
      }
    })
}

/** A validated oauth2/authorize link. */
export interface AuthorizeLink {
  app: AppConfig
  req: AuthRequest
  forcePopup: boolean
  forceSnapShot: boolean
}

const truthy = (v: string | null) => v === 'true' || v === '1'

/**
 * Validates connect/oauth2/authorize: 10012, unknown appid, 10016, 10011, 10010, 10005, 10003,
 * response_type, state, parameter order, then component_appid (10015).
 */
export function validateAuthorize(ctx: Ctx): AuthorizeLink {
  const { url, env } = ctx
  const app = appFor(ctx)
  if (app.kind === 'website') throw new PageError(10016)
  const redirectUri = required(url, 'redirect_uri', 10011, new PageError(10003))
  const scope = required(url, 'scope', 10010, new PageError(10005))
  const scopes = scope.split(',')
  const allowed = scopesOf(app)
  if (app.kind !== 'official' || scopes.some((s) => !allowed.includes(s))) {
    throw new PageError(10005, {
      hint: both(
        `${app.appId}（${kindLabel('zh', app.kind)}）可申请的 scope：${allowed.join('、') || '无'}。connect/oauth2/authorize 使用 snsapi_base 或 snsapi_userinfo；网站应用请用 connect/qrconnect 和 snsapi_login。`,
        `${app.appId} (${app.kind}) may request: ${allowed.join(', ') || 'nothing'}. connect/oauth2/authorize takes snsapi_base or snsapi_userinfo; website apps use connect/qrconnect with snsapi_login.`,
      ),
    })
  }
  const componentParam = url.searchParams.get('component_appid')
  const component = componentParam ? env.world.apps.get(componentParam) : undefined
  // On behalf of an official account, the callback must be on the platform's domain.
  checkRedirect(ctx, redirectUri, component?.kind === 'component' ? component : app)
  checkResponseType(url)
  const state = checkState(ctx, env.behaviour.strictStateCharset)
  if (env.behaviour.strictParamOrder) checkOrder(url)
  const req: AuthRequest = { appId: app.appId, redirectUri, scope, state }
  if (url.searchParams.has('component_appid')) {
    const id = url.searchParams.getAll('component_appid')
    if (
      id.length !== 1 ||
      component?.kind !== 'component' ||
      !(app.authorizedComponents ?? []).includes(component.appId)
    ) {
      throw new PageError(10015)
    }
    req.componentAppId = component.appId
  }
  return {
    app,
    req,
    forcePopup: truthy(url.searchParams.get('forcePopup')),
    forceSnapShot: truthy(url.searchParams.get('forceSnapShot')),
  }
}

// "微信会对授权链接做正则强匹配校验，如果链接的参数顺序不对，授权页面将无法正常访问".
function checkOrder(url: URL): void {
  const names = queryNames(url)
  const expected = ['appid', 'redirect_uri', 'response_type', 'scope']
  const stateOk = !names.includes('state') || names[4] === 'state'
  if (expected.some((n, i) => names[i] !== n) || !stateOk) {
    throw new PageError(undefined, {
      hint: both(
        '微信严格匹配授权链接：参数必须依次为 appid、redirect_uri、response_type、scope、state，其他参数在后，最后是 #wechat_redirect。',
        'WeChat matches the link strictly: parameters must come in the order appid, redirect_uri, response_type, scope, state, then any others, followed by #wechat_redirect.',
      ),
    })
  }
}

/** A validated qrconnect link. */
export interface QrConnectLink {
  app: AppConfig
  req: AuthRequest
}

/** Validates connect/qrconnect: 10012, unknown appid, 10011, 10010, 10005 (kind/scope), 10003, state. */
export function validateQrConnect(ctx: Ctx): QrConnectLink {
  const { url, env } = ctx
  const app = appFor(ctx)
  const redirectUri = required(url, 'redirect_uri', 10011, new PageError(10003))
  const scope = required(url, 'scope', 10010, new PageError(10005))
  const scopes = scope.split(',')
  const allowed = scopesOf(app)
  if (
    app.kind !== 'website' ||
    !scopes.includes('snsapi_login') ||
    scopes.some((s) => !allowed.includes(s))
  ) {
    throw new PageError(10005, {
      hint: both(
        `connect/qrconnect 需要网站应用的 appid 和 snsapi_login；${app.appId} 是${kindLabel('zh', app.kind)}，可申请：${allowed.join('、') || '无'}。`,
        `connect/qrconnect takes a website app appid and scope snsapi_login; ${app.appId} is ${app.kind} and may request: ${allowed.join(', ') || 'nothing'}.`,
      ),
    })
  }
  checkRedirect(ctx, redirectUri, app)
  checkResponseType(url)
  const state = checkState(ctx, env.behaviour.strictStateCharset)
  return { app, req: { appId: app.appId, redirectUri, scope, state } }
}
