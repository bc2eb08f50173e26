/**
 * Whatever WeChat (or a proxy in front of it) answers, the client either returns a validated result
 * or throws a typed WeChatError: never a TypeError, never a crash (security.md TST-02 P5).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseResponse } from '../../src/client/http.js'
import { parseTokenBody } from '../../src/client/token.js'
import { parseUserInfoBody } from '../../src/client/userinfo.js'
import { WeChatError } from '../../src/index.js'

const jsonish = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .record(
      {
        errcode: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.double()),
        errmsg: fc.oneof(fc.string(), fc.integer()),
        access_token: fc.oneof(fc.string(), fc.integer()),
        expires_in: fc.oneof(fc.integer(), fc.string(), fc.double()),
        refresh_token: fc.string(),
        openid: fc.oneof(fc.string(), fc.constant(null)),
        scope: fc.string(),
        unionid: fc.oneof(fc.string(), fc.integer()),
        is_snapshotuser: fc.oneof(fc.integer(), fc.string(), fc.boolean()),
        sex: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
        privilege: fc.oneof(fc.array(fc.string()), fc.array(fc.integer()), fc.string()),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.string(),
)

function settles(run: () => unknown): void {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(WeChatError)
  }
}

describe('the response parser on arbitrary bodies', () => {
  it('returns or throws a WeChatError, for token and userinfo bodies', () => {
    fc.assert(
      fc.property(jsonish, fc.integer({ min: 100, max: 599 }), (body, status) => {
        const response = { status, header: () => undefined, body }
        settles(() =>
          parseTokenBody(
            'sns/oauth2/access_token',
            parseResponse('sns/oauth2/access_token', response),
          ),
        )
        settles(() => parseUserInfoBody(parseResponse('sns/userinfo', response)))
      }),
      { numRuns: 2_000, seed: 20261125 },
    )
  })

  it('a success body passes through with WeChat names and its raw body', () => {
    fc.assert(
      fc.property(
        fc.record({
          access_token: fc.string({ minLength: 1 }),
          expires_in: fc.integer({ min: 1 }),
          refresh_token: fc.string({ minLength: 1 }),
          openid: fc.string({ minLength: 1 }),
          scope: fc.constantFrom('snsapi_base', 'snsapi_userinfo', 'snsapi_login'),
        }),
        (wire) => {
          const body = JSON.stringify(wire)
          const result = parseTokenBody(
            'sns/oauth2/access_token',
            parseResponse('sns/oauth2/access_token', {
              status: 200,
              header: () => undefined,
              body,
            }),
          )
          expect(result).toMatchObject(wire)
          expect(result.raw).toEqual(wire)
        },
      ),
      { numRuns: 500, seed: 20261125 },
    )
  })
})
