const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/**
 * A random string of `[A-Za-z0-9]`, the only characters WeChat keeps intact in `state`. 43
 * characters carry 256 bits; rejection sampling keeps every character equally likely.
 * @internal
 */
export function randomBase62(length = 43): string {
  let out = ''
  const bytes = new Uint8Array(length * 2)
  while (out.length < length) {
    crypto.getRandomValues(bytes)
    for (const byte of bytes) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62]
    }
  }
  return out
}

/** SHA-256 of `value`, base64url: how a browser-binding secret is kept in a stored record. @internal */
export async function sha256(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))
  return Buffer.from(digest).toString('base64url')
}
