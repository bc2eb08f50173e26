/** The framework idioms are typed: each augmentation gives the session its exact type. */
import type { Request as ExpressRequest } from 'express'
import type { FastifyRequest } from 'fastify'
import { Hono } from 'hono'
import type { Context as KoaContext } from 'koa'
import { describe, expectTypeOf, it } from 'vitest'
import type { WxAuthFastifyOptions } from '../../src/adapters/fastify/index.js'
import { wxauth as honoWxauth } from '../../src/adapters/hono/index.js'
import type { WxAuthRouteHandlers } from '../../src/adapters/next/index.js'
import type { WxAuthNodeHandler } from '../../src/adapters/node/index.js'
import type { Session, WxAuth } from '../../src/flow/types.js'

describe('adapter types', () => {
  it('express: req.wechat', () => {
    expectTypeOf<ExpressRequest['wechat']>().toEqualTypeOf<Session | null | undefined>()
  })

  it('koa: ctx.state.wechat', () => {
    expectTypeOf<KoaContext['state']['wechat']>().toEqualTypeOf<Session | null | undefined>()
  })

  it('fastify: request.wechat, and the plugin options', () => {
    expectTypeOf<FastifyRequest['wechat']>().toEqualTypeOf<Session | null>()
    expectTypeOf<WxAuthFastifyOptions['auth']>().toEqualTypeOf<WxAuth>()
  })

  it("hono: c.get('wechat') and c.var.wechat", () => {
    const app = new Hono()
    app.use(honoWxauth({} as WxAuth))
    app.get('/', (c) => {
      expectTypeOf(c.get('wechat')).toEqualTypeOf<Session | null>()
      expectTypeOf(c.var.wechat).toEqualTypeOf<Session | null>()
      return c.text('')
    })
  })

  it('next: route handlers take a Request; node: the handler resolves whether it answered', () => {
    expectTypeOf<WxAuthRouteHandlers['GET']>().parameters.toEqualTypeOf<[Request]>()
    expectTypeOf<ReturnType<WxAuthNodeHandler>>().toEqualTypeOf<Promise<boolean>>()
  })
})
