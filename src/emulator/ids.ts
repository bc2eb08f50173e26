/**
 * Identifier generation in WeChat's observed formats. openids and unionids are derived
 * deterministically (stable across restarts); codes, tokens and keys are random.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto'

const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const tokenChars = `${alnum}_-`

function randomFrom(chars: string, length: number): string {
  const limit = 256 - (256 % chars.length)
  let out = ''
  while (out.length < length) {
    for (const b of randomBytes(length)) {
      if (b < limit) out += chars[b % chars.length]
      if (out.length === length) break
    }
  }
  return out
}

function derive(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url')
}

/** A 28-character openid starting with `o`, stable for (appId, user); snapshot ids are virtual. */
export function openidFor(appId: string, userId: string, snapshot = false): string {
  return `o${derive(snapshot ? 'snapshot-openid' : 'openid', appId, userId).slice(0, 27)}`
}

/** A 28-character unionid starting with `o`, stable for (open platform, user). */
export function unionidFor(openPlatform: string, userId: string, snapshot = false): string {
  return `o${derive(snapshot ? 'snapshot-unionid' : 'unionid', openPlatform, userId).slice(0, 27)}`
}

/** A 32-character alphanumeric authorization code, e.g. `061yIRgM13IOc41ZQveM1tODgM1yIRge`. */
export function newCode(): string {
  return randomFrom(alnum, 32)
}

/** A token like WeChat's: `<2 digits>_<107 chars of [A-Za-z0-9_-]>`. */
export function newToken(): string {
  return `${randomInt(10, 100)}_${randomFrom(tokenChars, 107)}`
}

/** Whether a string has the shape of a WeChat token. */
export function looksLikeToken(value: string): boolean {
  return /^\d{2}_[A-Za-z0-9_-]{20,}$/.test(value)
}

/** A mini-program session_key: 16 random bytes, base64 (24 characters). */
export function newSessionKey(): string {
  return randomBytes(16).toString('base64')
}

/** An opaque random id for emulator-internal handles (pending requests, QR sessions). */
export function newHandle(length = 24): string {
  return randomFrom(alnum, length)
}

/** 8 lowercase hex digits. */
export function hex8(): string {
  return randomBytes(4).toString('hex')
}

/** A request id as WeChat shows it: `<hex unix seconds>-<8hex>-<8hex>`. */
export function newRid(nowMs: number): string {
  const seconds = Math.max(0, Math.floor(nowMs / 1000))
  return `${seconds.toString(16).padStart(8, '0')}-${hex8()}-${hex8()}`
}

/** A legacy request id as in `hints: [ req_id: G_gMVa0151hc56 ]`. */
export function newLegacyReqId(): string {
  return randomFrom(tokenChars, 14)
}
