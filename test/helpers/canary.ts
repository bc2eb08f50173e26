/**
 * The test canary (issue 7, item 4; LOG-01, TST-06): a marker that is in every secret the tests
 * use, so that a scan of everything the tests captured finds any leaked secret. Every emulator the
 * tests create writes it into the codes, tokens and session_keys it issues and into the secrets of
 * its default apps (`createEmulator({ canary })`, see `./emulator.ts`); the values below carry it
 * for tests that make up their own secrets.
 */
import { createHash } from 'node:crypto'

/** 12 lowercase hex digits ("secret canary"): fits every credential's alphabet, AppSecrets' too. */
export const CANARY = '5ec2e7ca4a2e'

const hex = (label: string, length: number) =>
  createHash('sha256').update(label).digest('hex').slice(0, length)

/** An AppSecret (32 lowercase hex digits) that starts with the canary; `label` makes it unique. */
export function canarySecret(label = 'app'): string {
  return `${CANARY}${hex(`secret:${label}`, 32 - CANARY.length)}`
}

/** A code of WeChat's shape (32 alphanumerics) that starts with the canary. */
export function canaryCode(label = 'code'): string {
  return `${CANARY}${hex(`code:${label}`, 32 - CANARY.length)}`
}

/** A token of WeChat's shape (`NN_` and 107 of `[A-Za-z0-9_-]`) with the canary after `NN_`. */
export function canaryToken(label = 'token', prefix = '63'): string {
  const body = hex(`token:${label}`, 64) + hex(`token2:${label}`, 64)
  return `${prefix}_${CANARY}${body.slice(0, 107 - CANARY.length)}`
}

/** A session_key of WeChat's shape (base64 of 16 bytes) that starts with the canary. */
export function canarySessionKey(label = 'session'): string {
  const random = Buffer.from(hex(`session:${label}`, 32), 'hex').toString('base64')
  return `${CANARY}${random.slice(CANARY.length)}`
}

/** Whether `value` is a secret the leak check can recognise. */
export function hasCanary(value: string): boolean {
  return value.includes(CANARY)
}
