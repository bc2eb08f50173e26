/** Validation of oauth2/authorize and qrconnect links, in the order WeChat reports problems. */

import { hasControl } from '../api/wire.js'
import type { AppConfig } from '../config.js'
import type { Ctx } from '../context.js'
import { demoCallbackPath } from '../demo.js'
import { allowsRedirect, isLoopbackHost, scopesOf } from '../model/apps.js'
import type { AuthRequest } from '../model/pending.js'
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
  const appid = required(ctx.url, 'appid', 10012, unknownApp('(duplicated or malformed)'))
  const app = ctx.env.world.apps.get(appid)
  if (!app) throw unknownApp(appid)
  return app
}

function unknownApp(appid: string): PageError {
  return new PageError(undefined, {
    en: 'This link cannot be opened: the appid is not a registered app.',
    hint: `No app with appid ${appid} is configured in the emulator (see GET / for the apps, or POST /__emulator/apps).`,
  })
}

/** The emulator's own demo callback (home page links), which stands in for an app on its host. */
function isDemoCallback(ctx: Ctx, uri: URL): boolean {
  return uri.origin === URL.parse(ctx.env.baseUrl())?.origin && uri.pathname === demoCallbackPath
}

function checkRedirect(ctx: Ctx, raw: string, domainsOf: AppConfig): void {
  const uri = URL.parse(raw)
  if (uri && isDemoCallback(ctx, uri)) return
  if (!uri || !allowsRedirect(domainsOf, uri, ctx.env.allowLocalPorts)) {
    const domains = (domainsOf.domains ?? []).join(', ') || '(none)'
    const localPort = uri !== null && uri.port !== '' && isLoopbackHost(uri.hostname)
    const fix = localPort
      ? ' For an app on localhost:PORT, start the emulator with allowLocalPorts: true (wxauth emulator --allow-local-ports; wxauth dev does it).'
      : ''
    throw new PageError(10003, {
      hint: `The redirect_uri host must equal an authorized domain, and WeChat refuses any port in it.${fix} Authorized domains of ${domainsOf.appId}: ${domains}.`,
    })
  }
}

function checkState(ctx: Ctx, strictCharset: boolean): string {
  const values = ctx.url.searchParams.getAll('state')
  if (values.length > 1) {
    throw new PageError(undefined, { hint: 'state appears more than once.' })
  }
  const state = values[0] ?? ''
  if (new TextEncoder().encode(state).length > 128) {
    throw new PageError(undefined, { hint: 'state is limited to 128 bytes ([A-Za-z0-9]).' })
  }
  if (strictCharset && !/^[A-Za-z0-9]*$/.test(state)) {
    throw new PageError(undefined, { hint: 'state may only contain a-z, A-Z and 0-9.' })
  }
  return state
}

function checkResponseType(url: URL): void {
  if (url.searchParams.getAll('response_type').join('\u0000') !== 'code') {
    throw new PageError(undefined, { hint: 'response_type must be exactly "code".' })
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
      hint: `${app.appId} (${app.kind}) may request: ${allowed.join(', ') || 'nothing'}. connect/oauth2/authorize takes snsapi_base or snsapi_userinfo; website apps use connect/qrconnect with snsapi_login.`,
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
      hint: 'WeChat matches the link strictly: parameters must come in the order appid, redirect_uri, response_type, scope, state, then any others, followed by #wechat_redirect.',
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
      hint: `connect/qrconnect takes a website app appid and scope snsapi_login; ${app.appId} is ${app.kind} and may request: ${allowed.join(', ') || 'nothing'}.`,
    })
  }
  checkRedirect(ctx, redirectUri, app)
  checkResponseType(url)
  const state = checkState(ctx, env.behaviour.strictStateCharset)
  return { app, req: { appId: app.appId, redirectUri, scope, state } }
}
