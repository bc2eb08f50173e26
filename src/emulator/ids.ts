/**
 * Identifier generation in WeChat's observed formats. openids and unionids are derived
 * deterministically (stable across restarts); codes, tokens and keys are random, and carry the
 * emulator's canary (a marker for leak scans) when one is set.
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

/** A canary: lowercase hex digits, so it fits every credential's alphabet (AppSecrets are hex). */
export const canaryPattern = /^[0-9a-f]{6,16}$/

/**
 * `value` with `canary` written over its characters from `at` on: same length, and the same
 * alphabet when the canary's characters belong to it (hex digits belong to all of them).
 */
export function withCanary(value: string, canary: string, at = 0): string {
  if (canary === '') return value
  if (at + canary.length > value.length) throw new RangeError('no room for the canary')
  return `${value.slice(0, at)}${canary}${value.slice(at + canary.length)}`
}

/**
 * A 32-character alphanumeric authorization code, e.g. `061yIRgM13IOc41ZQveM1tODgM1yIRge`;
 * starting with `canary` when one is given.
 */
export function newCode(canary = ''): string {
  return withCanary(randomFrom(alnum, 32), canary)
}

/**
 * A token like WeChat's: `<2 digits>_<107 chars of [A-Za-z0-9_-]>`; `canary` right after the `_`
 * when one is given.
 */
export function newToken(canary = ''): string {
  return withCanary(`${randomInt(10, 100)}_${randomFrom(tokenChars, 107)}`, canary, 3)
}

/** Whether a string has the shape of a WeChat token. */
export function looksLikeToken(value: string): boolean {
  return /^\d{2}_[A-Za-z0-9_-]{20,}$/.test(value)
}

/**
 * A mini-program session_key: 16 random bytes, base64 (24 characters). With a `canary`, its first
 * characters are the canary: still the canonical base64 of 16 bytes, since only the character
 * before the `==` padding (the 22nd) is constrained and a canary is at most 16 characters.
 */
export function newSessionKey(canary = ''): string {
  return withCanary(randomBytes(16).toString('base64'), canary)
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
