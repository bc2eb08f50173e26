import type { KeyObject } from 'node:crypto'
import { nodeCrypto } from '#node-crypto'

/** Bytes WebCrypto accepts (not a view of a SharedArrayBuffer). @internal */
export type Bytes = Uint8Array<ArrayBuffer>

const IV_BYTES = 12
const TAG_BYTES = 16

/** AES-256-GCM under one key, with a 96-bit IV and a 128-bit tag. @internal */
export interface AesGcm {
  /** The ciphertext of `plaintext` and the tag that authenticates it together with `aad`. */
  encrypt(
    iv: Bytes,
    plaintext: Bytes,
    aad: Bytes,
  ): Promise<{ ciphertext: Uint8Array; tag: Uint8Array }>
  /** The plaintext, or `undefined` when the tag does not verify (or a length is wrong). */
  decrypt(iv: Bytes, ciphertext: Bytes, tag: Bytes, aad: Bytes): Promise<Uint8Array | undefined>
}

/**
 * AES-256-GCM under the 32 bytes `raw`: node:crypto where the runtime has it, WebCrypto elsewhere.
 * Both produce the same bytes; node:crypto does it in place, while every WebCrypto call is a
 * promise, a thread-pool job and copies of its inputs, about three times the cost for a cookie.
 * `engine` is for tests, which check that both agree.
 * @internal
 */
export async function createAesGcm(
  raw: Bytes,
  engine: 'node' | 'web' = nodeCrypto ? 'node' : 'web',
): Promise<AesGcm> {
  if (engine === 'node' && nodeCrypto) {
    return nodeAesGcm(nodeCrypto, nodeCrypto.createSecretKey(raw))
  }
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt'])
  return webAesGcm(key)
}

function nodeAesGcm(node: NonNullable<typeof nodeCrypto>, key: KeyObject): AesGcm {
  return {
    async encrypt(iv, plaintext, aad) {
      const cipher = node.createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
      cipher.setAAD(aad)
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
      return { ciphertext, tag: cipher.getAuthTag() }
    },
    async decrypt(iv, ciphertext, tag, aad) {
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return undefined
      try {
        const decipher = node.createDecipheriv('aes-256-gcm', key, iv, {
          authTagLength: TAG_BYTES,
        })
        decipher.setAAD(aad)
        decipher.setAuthTag(tag)
        return Buffer.concat([decipher.update(ciphertext), decipher.final()])
      } catch {
        return undefined
      }
    },
  }
}

function webAesGcm(key: CryptoKey): AesGcm {
  return {
    async encrypt(iv, plaintext, aad) {
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt(
          { name: 'AES-GCM', iv, additionalData: aad, tagLength: TAG_BYTES * 8 },
          key,
          plaintext,
        ),
      )
      const split = sealed.length - TAG_BYTES
      return { ciphertext: sealed.subarray(0, split), tag: sealed.subarray(split) }
    },
    async decrypt(iv, ciphertext, tag, aad) {
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return undefined
      const sealed = new Uint8Array(ciphertext.length + TAG_BYTES)
      sealed.set(ciphertext)
      sealed.set(tag, ciphertext.length)
      try {
        return new Uint8Array(
          await crypto.subtle.decrypt(
            { name: 'AES-GCM', iv, additionalData: aad, tagLength: TAG_BYTES * 8 },
            key,
            sealed,
          ),
        )
      } catch {
        return undefined
      }
    },
  }
}
