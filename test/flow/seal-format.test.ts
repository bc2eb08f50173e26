/**
 * The sealed format is a standard JWE: what wxauth seals, jose opens, and what jose seals (as
 * wxauth's sealer did before it did its own framing), wxauth opens. The AES-GCM engines agree.
 */
import { base64url, CompactEncrypt, EncryptJWT, jwtDecrypt } from 'jose'
import { describe, expect, it } from 'vitest'
import { createAesGcm } from '../../src/flow/aes-gcm.js'
import { decodeBase64url, encodeBase64url } from '../../src/flow/base64url.js'
import { createSealer } from '../../src/flow/seal.js'

const SECRET = 'format-secret-0123456789-abcdefghijkl'
const T0 = Date.UTC(2025, 0, 1)
const payload = { openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', nickname: '张三', n: 1 }

/** The derivation the sealer documents: HKDF-SHA256, salt "wxauth", a versioned info string. */
async function derivedKey(secret: string): Promise<{ raw: Uint8Array<ArrayBuffer>; kid: string }> {
  const subtle = crypto.subtle
  const material = await subtle.importKey('raw', new TextEncoder().encode(secret), 'HKDF', false, [
    'deriveBits',
  ])
  const raw = new Uint8Array(
    await subtle.deriveBits(
      {
        name: 'HKDF',
        hash: 'SHA-256',
        salt: new TextEncoder().encode('wxauth'),
        info: new TextEncoder().encode('wxauth seal key v1 (JWE dir A256GCM)'),
      },
      material,
      256,
    ),
  )
  const kid = base64url.encode(new Uint8Array(await subtle.digest('SHA-256', raw))).slice(0, 8)
  return { raw, kid }
}

describe('the sealed format', () => {
  it('is a JWT in a dir/A256GCM JWE that jose opens with the derived key', async () => {
    const sealed = await createSealer(SECRET).seal(payload, {
      purpose: 'session',
      maxAge: 60,
      now: T0,
    })
    const { raw, kid } = await derivedKey(SECRET)
    const { payload: claims, protectedHeader } = await jwtDecrypt(sealed, raw, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      typ: 'wxauth-session',
      currentDate: new Date(T0 + 1_000),
      requiredClaims: ['exp', 'iat'],
    })
    expect(protectedHeader).toEqual({ alg: 'dir', enc: 'A256GCM', kid, typ: 'wxauth-session' })
    expect(claims).toEqual({ data: payload, iat: T0 / 1000, exp: T0 / 1000 + 60 })
  })

  it('opens values sealed by jose (sessions from before the change stay valid)', async () => {
    const { raw, kid } = await derivedKey(SECRET)
    const sealed = await new EncryptJWT({ data: payload })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, typ: 'wxauth-session' })
      .setIssuedAt(T0 / 1000)
      .setExpirationTime(T0 / 1000 + 60)
      .encrypt(raw)
    const sealer = createSealer(SECRET)
    expect(await sealer.unseal(sealed, { purpose: 'session', now: T0 + 1_000 })).toEqual(payload)
    expect(await sealer.unseal(sealed, { purpose: 'session', now: T0 + 60_000 })).toBeUndefined()
    expect(await sealer.unseal(sealed, { purpose: 'tokens', now: T0 })).toBeUndefined()
  })

  it('refuses authentic values whose header or claims are not what it writes', async () => {
    const { raw, kid } = await derivedKey(SECRET)
    const sealer = createSealer(SECRET)
    const now = T0 + 1_000
    const jwe = (header: Record<string, unknown>, claims: Record<string, unknown>) =>
      new CompactEncrypt(new TextEncoder().encode(JSON.stringify(claims)))
        .setProtectedHeader(header as never)
        .encrypt(raw)
    const header = { alg: 'dir', enc: 'A256GCM', kid, typ: 'wxauth-session' }
    const claims = { data: payload, iat: T0 / 1000, exp: T0 / 1000 + 60 }
    expect(await sealer.unseal(await jwe(header, claims), { purpose: 'session', now })).toEqual(
      payload,
    )
    const refused = [
      await jwe({ ...header, zip: 'DEF' }, claims),
      await jwe({ ...header, cty: 'JWT' }, claims),
      await jwe({ alg: 'dir', enc: 'A256GCM', kid }, claims),
      await jwe({ ...header, typ: 'JWT' }, claims),
      await jwe({ ...header, kid: 'AAAAAAAA' }, claims),
      await jwe(header, { ...claims, exp: undefined }),
      await jwe(header, { ...claims, iat: '0' }),
      await jwe(header, { ...claims, exp: String(claims.exp) }),
      await jwe(header, { ...claims, nbf: claims.iat }),
      await jwe(header, { ...claims, data: [1] }),
      await jwe(header, { ...claims, data: 'text' }),
    ]
    for (const sealed of refused) {
      expect(await sealer.unseal(sealed, { purpose: 'session', now })).toBeUndefined()
    }
  })
})

describe('AES-256-GCM engines', () => {
  it('node:crypto and WebCrypto produce and open the same bytes', async () => {
    const raw = crypto.getRandomValues(new Uint8Array(32))
    const node = await createAesGcm(raw, 'node')
    const web = await createAesGcm(raw, 'web')
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const aad = new TextEncoder().encode('header')
    const plaintext = new TextEncoder().encode(JSON.stringify(payload))
    const a = await node.encrypt(iv, plaintext, aad)
    const b = await web.encrypt(iv, plaintext, aad)
    expect(Buffer.from(a.ciphertext)).toEqual(Buffer.from(b.ciphertext))
    expect(Buffer.from(a.tag)).toEqual(Buffer.from(b.tag))
    const ct = new Uint8Array(a.ciphertext)
    const tag = new Uint8Array(a.tag)
    for (const engine of [node, web]) {
      expect(new TextDecoder().decode(await engine.decrypt(iv, ct, tag, aad))).toBe(
        JSON.stringify(payload),
      )
      const badTag = tag.slice()
      badTag[0] = (badTag[0] ?? 0) ^ 1
      expect(await engine.decrypt(iv, ct, badTag, aad)).toBeUndefined()
      expect(await engine.decrypt(iv, ct, tag, new TextEncoder().encode('other'))).toBeUndefined()
      expect(await engine.decrypt(iv, ct, tag.subarray(0, 12), aad)).toBeUndefined()
      expect(await engine.decrypt(iv.subarray(0, 8), ct, tag, aad)).toBeUndefined()
    }
  })
})

describe('base64url', () => {
  it('round-trips bytes and accepts only the canonical encoding', () => {
    for (let length = 0; length < 40; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length))
      const text = encodeBase64url(bytes)
      expect(text).toBe(Buffer.from(bytes).toString('base64url'))
      expect(Buffer.from(decodeBase64url(text) ?? [])).toEqual(Buffer.from(bytes))
    }
    // "QQ" is "A"; "QR" decodes to "A" too on Node unless the unused bits are checked.
    expect([...(decodeBase64url('QQ') ?? [])]).toEqual([65])
    for (const bad of ['QR', 'QQ==', 'Q', 'QQ$', 'Q Q', 'QQ+', 'QQ/', 'QQ.']) {
      expect(decodeBase64url(bad)).toBeUndefined()
    }
  })
})
