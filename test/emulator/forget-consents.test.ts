/**
 * Consent can be seen again (issue 11, item 5): like WeChat, the emulator remembers a
 * snsapi_userinfo consent for 30 days and then authorizes silently; a "forget consents" control
 * on the home page, and its scripting twin, bring the consent page back.
 */
import { describe, expect, it } from 'vitest'
import { createEmulator, type Emulator } from '../helpers/emulator.js'
import { authorizeUrl, controlPost, oa, openInWeChat, postForm, requestIdOf } from './helpers.js'

/** Consents as `user` on the consent page; the next authorize is then silent. */
async function consentOnce(emu: Emulator, user: string): Promise<void> {
  const page = await openInWeChat(emu, authorizeUrl(), {
    headers: { cookie: `wxemu_user=${user}` },
  })
  const res = await postForm(emu, '/__emulator/consent', {
    request: requestIdOf(page.html),
    user,
    decision: 'allow',
  })
  expect(res.status).toBe(302)
}

/** Whether the next snsapi_userinfo authorize as `user` shows the consent page (else silent). */
async function showsConsent(emu: Emulator, user = 'lisi'): Promise<boolean> {
  const { status, html } = await openInWeChat(emu, authorizeUrl(), {
    headers: { cookie: `wxemu_user=${user}` },
  })
  if (status === 302) return false
  expect(html).toContain('获得你的公开信息')
  return true
}

describe('forgetting consents', () => {
  it('forgets consents from the home page: the consent page shows again', async () => {
    const emu = createEmulator()
    await consentOnce(emu, 'lisi')
    expect(await showsConsent(emu)).toBe(false)

    const home = await (await emu.fetch('http://127.0.0.1:8900/')).text()
    const form = /<form method="post" action="([^"]*forget-consents)">/.exec(home)
    expect(form?.[1]).toBe('/__emulator/forget-consents')
    expect(home).toContain('忘记授权记录')
    expect(home).toContain('模拟器当前记住 1 条')

    const res = await postForm(emu, form?.[1] as string, {}, { 'sec-fetch-site': 'same-origin' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/')
    expect(await showsConsent(emu)).toBe(true)
    const after = await (await emu.fetch('/', { headers: { 'accept-language': 'en' } })).text()
    expect(after).toContain('Forget consents')
    expect(after).toContain('The emulator remembers 0 now')
  })

  it('forgetConsents() from JavaScript, for one user, one app or all', async () => {
    const emu = createEmulator()
    await consentOnce(emu, 'lisi')
    await consentOnce(emu, 'wangwu')
    expect(emu.forgetConsents({ user: 'wangwu' })).toBe(1)
    expect(await showsConsent(emu, 'wangwu')).toBe(true)
    expect(await showsConsent(emu, 'lisi')).toBe(false)
    expect(emu.forgetConsents({ appId: oa.appId })).toBe(1)
    expect(await showsConsent(emu, 'lisi')).toBe(true)
    expect(emu.forgetConsents()).toBe(0)
    expect(() => emu.forgetConsents({ user: 'nobody' })).toThrow(/nobody/)
    expect(() => emu.forgetConsents({ appId: 'wx0' })).toThrow(/wx0/)
  })

  it('POST /__emulator/forget-consents from a script: JSON {appId?, user?} → {forgotten}', async () => {
    const emu = createEmulator()
    await consentOnce(emu, 'lisi')
    const state = async () =>
      ((await (await emu.fetch('/__emulator/state')).json()) as { consents: number }).consents
    expect(await state()).toBe(1)
    expect(await controlPost(emu, 'forget-consents', { user: 'lisi' })).toEqual({
      status: 200,
      body: { forgotten: 1 },
    })
    expect(await state()).toBe(0)
    expect(await showsConsent(emu)).toBe(true)
    expect((await controlPost(emu, 'forget-consents', { user: 'nobody' })).status).toBe(400)
    expect((await controlPost(emu, 'forget-consents', { everything: true })).status).toBe(400)
    expect((await emu.fetch('/__emulator/forget-consents')).status).toBe(405)
  })

  it('is refused cross-site, like every form of the emulator', async () => {
    const emu = createEmulator()
    await consentOnce(emu, 'lisi')
    const res = await postForm(
      emu,
      '/__emulator/forget-consents',
      {},
      { origin: 'https://evil.example' },
    )
    expect(res.status).toBe(403)
    expect(await showsConsent(emu)).toBe(false)
  })
})
