import { invalidArgument } from './errors.js'

const MAX_CODE_LENGTH = 512

/**
 * Checks an opaque credential (code, token) without ever quoting it: it is a secret.
 * @internal
 */
export function checkOpaque(value: string, name: string, max = MAX_CODE_LENGTH): string {
  if (typeof value !== 'string' || value === '')
    throw invalidArgument(`${name} must be a non-empty string`)
  if (value.length > max) throw invalidArgument(`${name} must be at most ${max} characters`)
  if (hasSpaceOrControl(value)) {
    throw invalidArgument(`${name} must not contain spaces or control characters`)
  }
  return value
}

function hasSpaceOrControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c <= 0x20 || c === 0x7f) return true
  }
  return false
}

const APP_ID = /^[A-Za-z0-9_-]{1,64}$/

/** @internal */
export function checkAppId(appId: string, name: string): string {
  if (typeof appId !== 'string' || !APP_ID.test(appId)) {
    throw invalidArgument(`${name} must be a WeChat AppID such as "wx0123456789abcdef"`)
  }
  return appId
}

/** @internal */
export function checkOpenid(openid: string): string {
  if (typeof openid !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(openid)) {
    throw invalidArgument('openid must be a WeChat openid: 1 to 64 characters of [A-Za-z0-9_-]')
  }
  return openid
}
