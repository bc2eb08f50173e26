/** How the emulator shows an app secret on its pages and in its control API. */

/** A secret masked except its last 4 characters (`****` when 8 or shorter). */
export function maskSecret(secret: string): string {
  return secret.length <= 8 ? '****' : `${'*'.repeat(8)}${secret.slice(-4)}`
}
