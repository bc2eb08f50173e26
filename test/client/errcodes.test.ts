/**
 * Every errcode of reference/wechat-api.md §10 (and the authorize-page codes of §2.3) is classified
 * as security.md WX-01 says, written out here independently of the source table.
 */
import { describe, expect, it } from 'vitest'
import { categorize } from '../../src/client/errcodes.js'
import { describeErrcode, type ErrorCategory, knownErrcodes } from '../../src/index.js'

const expected: Record<number, ErrorCategory> = {
  [-1]: 'retry',
  40001: 'config',
  40002: 'config',
  40003: 'reauthorize',
  40013: 'config',
  40014: 'refresh',
  40029: 'restart-login',
  40030: 'reauthorize',
  40125: 'config',
  40163: 'restart-login',
  40164: 'config',
  40226: 'blocked',
  41001: 'config',
  41002: 'config',
  41003: 'config',
  41004: 'config',
  41008: 'restart-login',
  41009: 'config',
  42001: 'refresh',
  42002: 'reauthorize',
  42003: 'restart-login',
  42007: 'reauthorize',
  45009: 'rate-limit',
  45011: 'rate-limit',
  48001: 'config',
  50001: 'reauthorize',
  50002: 'blocked',
  61003: 'config',
  61010: 'restart-login',
  61023: 'reauthorize',
  89501: 'config',
  89503: 'config',
  89506: 'config',
  89507: 'config',
  10003: 'config',
  10004: 'config',
  10005: 'config',
  10006: 'config',
  10009: 'rate-limit',
  10010: 'config',
  10011: 'config',
  10012: 'config',
  10013: 'config',
  10015: 'config',
  10016: 'config',
}

describe('errcode classification', () => {
  it.each(Object.entries(expected))(
    '%s is %s, with a Chinese and an English meaning',
    (code, category) => {
      const info = describeErrcode(Number(code))
      expect(info.category).toBe(category)
      expect(info.zh).toMatch(/[\u4e00-\u9fff]/)
      expect(info.en.length).toBeGreaterThan(5)
    },
  )

  it('knows exactly the documented codes', () => {
    expect(knownErrcodes().sort((a, b) => a - b)).toEqual(
      Object.keys(expected)
        .map(Number)
        .sort((a, b) => a - b),
    )
  })

  it('an unknown code is unknown', () => {
    expect(describeErrcode(12345)).toMatchObject({ errcode: 12345, category: 'unknown' })
  })

  it('-1 on a code exchange restarts the login: the code may already be spent', () => {
    expect(categorize(-1, 'sns/oauth2/access_token')).toBe('restart-login')
    expect(categorize(-1, 'sns/oauth2/component/access_token')).toBe('restart-login')
    expect(categorize(-1, 'sns/jscode2session')).toBe('restart-login')
    expect(categorize(-1, 'sns/userinfo')).toBe('retry')
  })

  it('40001 means a wrong secret on the exchange, a stale token on userinfo and sns/auth', () => {
    expect(categorize(40001, 'sns/oauth2/access_token')).toBe('config')
    expect(categorize(40001, 'sns/userinfo')).toBe('refresh')
    expect(categorize(40001, 'sns/auth')).toBe('refresh')
    expect(categorize(40001, 'sns/oauth2/component/access_token')).toBe('refresh')
  })
})
