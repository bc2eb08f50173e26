/** Base64url without padding (RFC 4648 §5), strict on input. @internal */

const hasBuffer = typeof Buffer === 'function'

/** @internal */
export function encodeBase64url(bytes: Uint8Array): string {
  if (hasBuffer)
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

const ALPHABET = /^[A-Za-z0-9_-]*$/

/**
 * The bytes of `text`, or `undefined` unless it is canonical base64url: only the alphabet, no
 * padding, and zero unused bits in the last character, so that exactly one string encodes a value.
 * @internal
 */
export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return undefined
  let bytes: Uint8Array<ArrayBuffer>
  if (hasBuffer) {
    bytes = Buffer.from(text, 'base64url')
  } else {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
    bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0))
  }
  return encodeBase64url(bytes) === text ? bytes : undefined
}
