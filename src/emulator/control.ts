/** The HTTP scripting API under /__emulator/: the same operations as the JS API, as JSON. */
import { EmulatorConfigError } from './config.js'
import type { Ctx } from './context.js'
import type { Core } from './core.js'
import { maskSecret } from './mask-secret.js'
import { scopesOf } from './model/apps.js'
import { controlReply, type Reply } from './reply.js'

type Body = Record<string, unknown>

class BadRequest extends Error {}

async function jsonBody(request: Request): Promise<Body> {
  const type = request.headers.get('content-type') ?? ''
  // Requiring JSON keeps cross-site HTML forms (simple requests) from scripting the emulator.
  if (!/^application\/json\b/i.test(type))
    throw new BadRequest('Content-Type must be application/json')
  const text = await request.text()
  if (text.length > 65_536) throw new BadRequest('body too large (64 KB max)')
  let value: unknown
  try {
    value = text.trim() === '' ? {} : JSON.parse(text)
  } catch {
    throw new BadRequest('body is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequest('body must be a JSON object')
  }
  return value as Body
}

/** The emulator's state with secrets masked. */
export function publicState(core: Core) {
  return {
    now: core.clock.now(),
    baseUrl: core.baseUrl(),
    apps: core.world.apps.list().map((app) => ({
      ...app,
      scopes: [...scopesOf(app)],
      secret: maskSecret(app.secret),
    })),
    users: core.world.users.list(),
    allowLocalPorts: core.allowLocalPorts,
    behaviour: core.behaviour,
    autoApprove: core.autoApproval() ?? null,
    faults: core.faults.list(),
    chaos: core.chaos.settings() ?? null,
    chaosReport: core.chaos.report(),
    codeUsage: core.codeUsage.report(),
    consents: core.world.consents.countWithin(core.behaviour.rememberConsentDays, core.clock.now()),
  }
}

/** Chaos mode's settings (null when off) and report. */
function chaosState(core: Core) {
  return { chaos: core.chaos.settings() ?? null, report: core.chaos.report() }
}

type Route = (core: Core, body: Body) => unknown

const post: Record<string, Route> = {
  'auto-approve': (core, { user, ...options }) => {
    if (user !== null && typeof user !== 'string')
      throw new BadRequest('"user" must be a string or null')
    for (const key of Object.keys(options)) {
      if (!['decision', 'times', 'keep'].includes(key))
        throw new BadRequest(`"${key}" is not an auto-approve option (decision, times, keep)`)
    }
    core.autoApprove(user, options)
    return { autoApprove: core.autoApproval() ?? null }
  },
  faults: (core, { endpoint, times, ...fault }) => {
    core.fail(endpoint, fault, times ?? 1)
    return { faults: core.faults.list() }
  },
  chaos: (core, { off, ...options }) => {
    if (off !== undefined) {
      if (off !== true) throw new BadRequest('"off" must be true (to stop chaos mode)')
      if (Object.keys(options).length > 0)
        throw new BadRequest('"off" stops chaos mode and takes no other field')
      core.setChaos(null)
    } else {
      core.setChaos(options)
    }
    return chaosState(core)
  },
  clock: (core, b) => {
    if (typeof b.advance !== 'number') throw new BadRequest('"advance" must be a number of seconds')
    core.clock.advance(b.advance)
    return { now: core.clock.now() }
  },
  reset: (core) => {
    core.reset()
    return { ok: true }
  },
  codes: (core, b) => ({ code: core.issueCode(b as never) }),
  'js-code': (core, b) => ({ js_code: core.miniProgramLogin(b as never) }),
  'component-token': (core, b) => {
    const { token, expiresIn } = core.componentAccessToken(b.componentAppId as string)
    return { component_access_token: token, expires_in: expiresIn }
  },
  users: (core, b) => ({ user: core.addUser(b) }),
  apps: (core, b) => {
    const { secret, ...app } = core.addApp(b)
    return { app: { ...app, secret: maskSecret(secret) } }
  },
  'forget-consents': (core, b) => {
    for (const key of Object.keys(b)) {
      if (key !== 'appId' && key !== 'user')
        throw new BadRequest(`"${key}" is not a forget-consents field (appId, user)`)
    }
    return { forgotten: core.forgetConsents(b) }
  },
  revoke: (core, b) => {
    if (b.appId !== undefined && typeof b.appId !== 'string')
      throw new BadRequest('"appId" must be a string')
    core.revokeUser(b.user as string, b.appId === undefined ? {} : { appId: b.appId })
    return { ok: true }
  },
}

const get: Record<string, (core: Core) => unknown> = {
  requests: (core) => ({ requests: core.log.list() }),
  state: (core) => publicState(core),
  chaos: (core) => chaosState(core),
}

/** Names of the control routes (the path segment after /__emulator/). */
export const controlRoutes = new Set([...Object.keys(post), ...Object.keys(get)])

/** Handles a control API call; `name` is the path after /__emulator/. */
export async function control(core: Core, ctx: Ctx, name: string): Promise<Reply> {
  const method = ctx.request.method
  try {
    // Own properties only: `constructor` is on every object's prototype.
    const read = Object.hasOwn(get, name) ? get[name] : undefined
    const write = Object.hasOwn(post, name) ? post[name] : undefined
    if (read && (method === 'GET' || method === 'HEAD')) return controlReply(200, read(core))
    if (!write) {
      if (read) return controlReply(405, { error: `use GET /__emulator/${name}` })
      return controlReply(404, { error: `no control endpoint /__emulator/${name}` })
    }
    if (method !== 'POST') {
      const allowed = read ? 'GET or POST' : 'POST'
      return controlReply(405, { error: `use ${allowed} /__emulator/${name}` })
    }
    const result = write(core, await jsonBody(ctx.request))
    return controlReply(name === 'users' || name === 'apps' ? 201 : 200, result)
  } catch (e) {
    if (e instanceof BadRequest || e instanceof EmulatorConfigError) {
      return controlReply(400, { error: e.message })
    }
    throw e
  }
}
