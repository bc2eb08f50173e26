/**
 * Auto-approve (issue 11, item 5): it stands in for the user's answer, not for the WeChat client,
 * and it answers one login unless told otherwise, so that it never leaks into the next test.
 */
import { describe, expect, it } from 'vitest'
import { createEmulator, type Emulator } from '../helpers/emulator.js'
import { authorizeUrl, controlPost, openInWeChat, queryOf, web } from './helpers.js'

const DESKTOP_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'

const qrLink = () => authorizeUrl({ appid: web.appId, scope: 'snsapi_login' }, '/connect/qrconnect')

/** What the next authorize inside WeChat answers: 'approved', 'denied' or 'page' (no script). */
async function nextAnswer(emu: Emulator, url = authorizeUrl()): Promise<string> {
  const { status, location } = await openInWeChat(emu, url)
  if (status !== 302) return 'page'
  return queryOf(location).has('code') ? 'approved' : 'denied'
}

async function state(emu: Emulator): Promise<unknown> {
  const res = await emu.fetch('/__emulator/state')
  return ((await res.json()) as { autoApprove: unknown }).autoApprove
}

describe('auto-approve', () => {
  it('auto-approve still answers the "open in WeChat" page to a non-WeChat user agent on connect/oauth2/authorize', async () => {
    const emu = createEmulator()
    emu.autoApprove('zhangsan')
    const desktop = await openInWeChat(emu, authorizeUrl(), {
      headers: { 'user-agent': DESKTOP_UA },
    })
    expect(desktop.status).toBe(200)
    expect(desktop.html).toContain('请在微信客户端打开链接')
    expect(desktop.location).toBeNull()
    // Not used up by the page: the same login inside WeChat is approved.
    expect(await nextAnswer(emu)).toBe('approved')
  })

  it('auto-approve is not sticky: it answers the next login only, then the consent page shows', async () => {
    const emu = createEmulator()
    emu.autoApprove('zhangsan')
    expect(await state(emu)).toEqual({ user: 'zhangsan', decision: 'allow', remaining: 1 })
    expect(await nextAnswer(emu)).toBe('approved')
    expect(await state(emu)).toBeNull()
    const after = await openInWeChat(emu, authorizeUrl())
    expect(after.status).toBe(200)
    expect(after.html).toContain('获得你的公开信息')
  })

  it('qrconnect too: one QR login, then the QR page', async () => {
    const emu = createEmulator()
    emu.autoApprove('lisi', { decision: 'deny' })
    expect(await nextAnswer(emu, qrLink())).toBe('denied')
    const qr = await emu.fetch(qrLink(), { redirect: 'manual' })
    expect(qr.status).toBe(200)
    expect(await qr.text()).toContain('data-status-url')
  })

  it('times: n answers n logins; keep: true every one until autoApprove(null) or reset()', async () => {
    const emu = createEmulator()
    emu.autoApprove('wangwu', { times: 2 })
    expect(await nextAnswer(emu)).toBe('approved')
    expect(await state(emu)).toEqual({ user: 'wangwu', decision: 'allow', remaining: 1 })
    expect(await nextAnswer(emu, qrLink())).toBe('approved')
    expect(await nextAnswer(emu)).toBe('page')

    emu.autoApprove('wangwu', { keep: true })
    expect(await state(emu)).toEqual({ user: 'wangwu', decision: 'allow', keep: true })
    for (let i = 0; i < 5; i++) expect(await nextAnswer(emu)).toBe('approved')
    emu.autoApprove(null)
    expect(await nextAnswer(emu)).toBe('page')
    emu.autoApprove('wangwu', { keep: true })
    emu.reset()
    expect(await nextAnswer(emu)).toBe('page')
  })

  it('a link error is not an answer: the script waits for a valid link', async () => {
    const emu = createEmulator()
    emu.autoApprove('zhangsan')
    const bad = await openInWeChat(emu, authorizeUrl({ redirect_uri: 'https://evil.example/cb' }))
    expect(bad.html).toContain('错误码：10003')
    expect(await nextAnswer(emu)).toBe('approved')
  })

  it('over HTTP: {user, decision?, times?, keep?}; bad options are 400 and change nothing', async () => {
    const emu = createEmulator()
    const once = await controlPost(emu, 'auto-approve', { user: 'lisi' })
    expect(once.body).toEqual({ autoApprove: { user: 'lisi', decision: 'allow', remaining: 1 } })
    const kept = await controlPost(emu, 'auto-approve', { user: 'lisi', keep: true })
    expect(kept.body).toEqual({ autoApprove: { user: 'lisi', decision: 'allow', keep: true } })
    for (const bad of [
      { user: 'lisi', times: 0 },
      { user: 'lisi', times: 1.5 },
      { user: 'lisi', times: '2' },
      { user: 'lisi', keep: 'yes' },
      { user: 'lisi', keep: true, times: 2 },
      { user: 'lisi', sticky: true },
    ]) {
      expect((await controlPost(emu, 'auto-approve', bad)).status, JSON.stringify(bad)).toBe(400)
    }
    expect(await state(emu)).toEqual({ user: 'lisi', decision: 'allow', keep: true })
    expect(() => emu.autoApprove('lisi', { times: -1 })).toThrow(/times/)
  })
})
