import fc from 'fast-check'
import { base64url } from 'jose'
import { describe, expect, it } from 'vitest'
import { createSealer, MAX_SEALED_LENGTH } from '../../src/flow/seal.js'

const OLD = 'old-secret-0123456789-abcdefghijklmnop'
const NEW = 'new-secret-0123456789-abcdefghijklmnop'
const T0 = Date.UTC(2025, 0, 1)
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

const payload = {
  openid: 'oPLAINTEXT_openid_value',
  nickname: '微信用户',
  n: 42,
  nested: { ok: true },
}

describe('createSealer', () => {
  it('round-trips a payload exactly, as a dir/A256GCM JWE typed by purpose', async () => {
    const sealer = createSealer(NEW)
    const sealed = await sealer.seal(payload, { purpose: 'session', maxAge: 60, now: T0 })
    expect(sealed.split('.')).toHaveLength(5)
    const [header] = sealed.split('.')
    const parsed = JSON.parse(new TextDecoder().decode(base64url.decode(header ?? '')))
    expect(parsed).toMatchObject({ alg: 'dir', enc: 'A256GCM', typ: 'wxauth-session' })
    expect(parsed.kid).toMatch(/^[A-Za-z0-9_-]{8}$/)
    expect(await sealer.unseal(sealed, { purpose: 'session', now: T0 + 1_000 })).toEqual(payload)
  })

  it('puts neither the plaintext nor the secret in the sealed text', async () => {
    const sealer = createSealer(NEW)
    const sealed = await sealer.seal(payload, { purpose: 'session', maxAge: 60 })
    for (const needle of ['PLAINTEXT', 'oPLAINTEXT_openid_value', NEW, 'new-secret', 'nickname']) {
      expect(sealed).not.toContain(needle)
    }
    // Not even base64url-encoded: decode every segment and look again.
    const decoded = sealed
      .split('.')
      .map((part) => new TextDecoder().decode(base64url.decode(part)))
      .join('|')
    expect(decoded).not.toContain('PLAINTEXT')
    expect(decoded).not.toContain('new-secret')
  })

  it('rejects every single-character change of a sealed value', async () => {
    const sealer = createSealer(NEW)
    const sealed = await sealer.seal({ a: 1 }, { purpose: 'tokens', maxAge: 60, now: T0 })
    const now = T0 + 1_000
    expect(await sealer.unseal(sealed, { purpose: 'tokens', now })).toEqual({ a: 1 })
    let tried = 0
    for (let i = 0; i < sealed.length; i++) {
      for (const c of `${ALPHABET}.=+/ %`) {
        if (c === sealed[i]) continue
        const mutated = sealed.slice(0, i) + c + sealed.slice(i + 1)
        const result = await sealer.unseal(mutated, { purpose: 'tokens', now })
        if (result !== undefined) throw new Error(`accepted a change at ${i} to ${c}`)
        tried++
      }
    }
    expect(tried).toBeGreaterThan(sealed.length * 60)
  })

  it('rejects any random bit flip, insertion or deletion (property)', async () => {
    const sealer = createSealer(NEW)
    const sealed = await sealer.seal(payload, { purpose: 'session', maxAge: 60, now: T0 })
    const bytes = new TextEncoder().encode(sealed)
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: bytes.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom('flip', 'insert', 'delete'),
        async (at, bits, how) => {
          let mutated: string
          if (how === 'flip') {
            const copy = bytes.slice()
            copy[at] = (copy[at] ?? 0) ^ bits
            mutated = new TextDecoder().decode(copy)
          } else if (how === 'insert') {
            mutated = sealed.slice(0, at) + String.fromCharCode(bits) + sealed.slice(at)
          } else {
            mutated = sealed.slice(0, at) + sealed.slice(at + 1)
          }
          expect(await sealer.unseal(mutated, { purpose: 'session', now: T0 })).toBeUndefined()
        },
      ),
      { numRuns: 500 },
    )
  })

  it('rejects truncations, garbage and oversized input without throwing', async () => {
    const sealer = createSealer(NEW)
    const sealed = await sealer.seal(payload, { purpose: 'session', maxAge: 60, now: T0 })
    for (let length = 0; length < sealed.length; length++) {
      expect(await sealer.unseal(sealed.slice(0, length), { purpose: 'session', now: T0 })).toBe(
        undefined,
      )
    }
    const garbage = [
      '',
      '....',
      'a.b.c.d.e',
      'not a jwe',
      `${sealed}.`,
      `${sealed}${sealed}`,
      'x'.repeat(MAX_SEALED_LENGTH + 1),
      '\u0000\uffff💥',
    ]
    for (const input of garbage) {
      expect(await sealer.unseal(input, { purpose: 'session', now: T0 })).toBeUndefined()
    }
    const notString = 42 as unknown as string
    expect(await sealer.unseal(notString, { purpose: 'session' })).toBeUndefined()
  })

  it('refuses input over 8 KiB even when it is authentic', async () => {
    const sealer = createSealer(NEW)
    const big = { blob: 'x'.repeat(7_000) }
    const sealed = await sealer.seal(big, { purpose: 'session', maxAge: 60, now: T0 })
    expect(sealed.length).toBeGreaterThan(MAX_SEALED_LENGTH)
    expect(await sealer.unseal(sealed, { purpose: 'session', now: T0 })).toBeUndefined()
  })

  it('refuses an expired value (fake clock past maxAge)', async () => {
    const sealer = createSealer(NEW)
    const sealed = await sealer.seal(payload, { purpose: 'session', maxAge: 60, now: T0 })
    expect(await sealer.unseal(sealed, { purpose: 'session', now: T0 + 59_000 })).toEqual(payload)
    expect(await sealer.unseal(sealed, { purpose: 'session', now: T0 + 60_000 })).toBeUndefined()
    expect(await sealer.unseal(sealed, { purpose: 'session', now: T0 + 86_400_000 })).toBe(
      undefined,
    )
  })

  it('refuses a value sealed for another purpose', async () => {
    const sealer = createSealer(NEW)
    const session = await sealer.seal(payload, { purpose: 'session', maxAge: 60, now: T0 })
    const tokens = await sealer.seal(payload, { purpose: 'tokens', maxAge: 60, now: T0 })
    expect(await sealer.unseal(session, { purpose: 'tokens', now: T0 })).toBeUndefined()
    expect(await sealer.unseal(tokens, { purpose: 'session', now: T0 })).toBeUndefined()
    expect(await sealer.unseal(tokens, { purpose: 'tokens', now: T0 })).toEqual(payload)
  })

  it('rotates: the first key seals, every key unseals, a removed key no longer does', async () => {
    const before = createSealer(OLD)
    const sealedOld = await before.seal(payload, { purpose: 'session', maxAge: 60, now: T0 })

    const rotated = createSealer([NEW, OLD])
    expect(await rotated.unseal(sealedOld, { purpose: 'session', now: T0 })).toEqual(payload)
    const sealedNew = await rotated.seal(payload, { purpose: 'session', maxAge: 60, now: T0 })
    const kid = (sealed: string) =>
      JSON.parse(new TextDecoder().decode(base64url.decode(sealed.split('.')[0] ?? ''))).kid
    expect(kid(sealedNew)).not.toBe(kid(sealedOld))
    expect(await before.unseal(sealedNew, { purpose: 'session', now: T0 })).toBeUndefined()

    const after = createSealer([NEW])
    expect(await after.unseal(sealedNew, { purpose: 'session', now: T0 })).toEqual(payload)
    expect(await after.unseal(sealedOld, { purpose: 'session', now: T0 })).toBeUndefined()
  })

  it('rejects a value whose kid was swapped to another configured key', async () => {
    const sealer = createSealer([NEW, OLD])
    const sealed = await sealer.seal(payload, { purpose: 'session', maxAge: 60, now: T0 })
    const [header, ...rest] = sealed.split('.')
    const parsed = JSON.parse(new TextDecoder().decode(base64url.decode(header ?? '')))
    const oldSealed = await createSealer(OLD).seal({}, { purpose: 'session', maxAge: 60 })
    const oldKid = JSON.parse(
      new TextDecoder().decode(base64url.decode(oldSealed.split('.')[0] ?? '')),
    ).kid
    const swapped = base64url.encode(JSON.stringify({ ...parsed, kid: oldKid }))
    expect(
      await sealer.unseal([swapped, ...rest].join('.'), { purpose: 'session', now: T0 }),
    ).toBeUndefined()
  })

  it('rejects short or missing secrets with a TypeError naming the rule, never the secret', () => {
    const short = 'too-short-secret-of-31-chars-xx'
    expect(short).toHaveLength(31)
    for (const bad of [short, [NEW, short], [], '', [42]] as unknown[]) {
      let error: unknown
      try {
        createSealer(bad as string[])
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(TypeError)
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' })
      expect(String((error as Error).message)).not.toContain('too-short')
      expect(String((error as Error).message)).not.toContain('new-secret')
    }
    expect(() => createSealer(short)).toThrow(/at least 32 characters/)
    expect(() => createSealer([NEW, short])).toThrow(/secrets\[1\]/)
    expect(() => createSealer('x'.repeat(32))).not.toThrow()
  })

  it('refuses bad seal options as programming errors', async () => {
    const sealer = createSealer(NEW)
    await expect(sealer.seal(payload, { purpose: 'Session!', maxAge: 60 })).rejects.toThrow(
      TypeError,
    )
    await expect(sealer.seal(payload, { purpose: 'session', maxAge: 0 })).rejects.toThrow(/maxAge/)
    await expect(sealer.seal(payload, { purpose: 'session', maxAge: Number.NaN })).rejects.toThrow(
      /maxAge/,
    )
  })

  it('keeps payload keys named like claims apart from the real exp', async () => {
    const sealer = createSealer(NEW)
    const tricky = { exp: 9_999_999_999, iat: 0, nbf: 9_999_999_999 }
    const sealed = await sealer.seal(tricky, { purpose: 'session', maxAge: 60, now: T0 })
    expect(await sealer.unseal(sealed, { purpose: 'session', now: T0 })).toEqual(tricky)
    expect(await sealer.unseal(sealed, { purpose: 'session', now: T0 + 61_000 })).toBeUndefined()
  })

  it('seals the same payload differently every time (fresh IV)', async () => {
    const sealer = createSealer(NEW)
    const a = await sealer.seal(payload, { purpose: 'session', maxAge: 60, now: T0 })
    const b = await sealer.seal(payload, { purpose: 'session', maxAge: 60, now: T0 })
    expect(a).not.toBe(b)
  })
})
