/**
 * The emulator's own forms and scripting API refuse cross-site POSTs (issue 11, item 5): another
 * site must not switch the browser's WeChat user, answer a consent or script the emulator. Its own
 * pages and scripts (curl, tests: no Origin, no Sec-Fetch-Site) keep working.
 */
import { describe, expect, it } from 'vitest'
import { createEmulator, type Emulator } from '../helpers/emulator.js'
import {
  authorizeUrl,
  controlPost,
  openInWeChat,
  postForm,
  requestIdOf,
  web,
  wechatUA,
} from './helpers.js'

const SELF = 'http://127.0.0.1:8900'

async function consentRequest(emu: Emulator): Promise<string> {
  return requestIdOf((await openInWeChat(emu, authorizeUrl())).html)
}

async function qrScanPath(emu: Emulator): Promise<string> {
  const url = authorizeUrl({ appid: web.appId, scope: 'snsapi_login' }, '/connect/qrconnect')
  const html = await (await emu.fetch(url)).text()
  return /<form method="post" action="([^"]+)"/.exec(html)?.[1] as string
}

describe('cross-site POSTs to the emulator', () => {
  it('refuses a cross-site POST to /__emulator/current-user', async () => {
    const emu = createEmulator()
    const res = await postForm(
      emu,
      '/__emulator/current-user',
      { user: 'lisi' },
      { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
    )
    expect(res.status).toBe(403)
    expect(res.headers.get('set-cookie')).toBeNull()
    expect(((await res.json()) as { error: string }).error).toMatch(/cross-site/)
  })

  it.each([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (another port)', { 'sec-fetch-site': 'same-site' }],
    [
      'Sec-Fetch-Site: cross-site even with a matching Origin',
      { 'sec-fetch-site': 'cross-site', origin: SELF },
    ],
    ['an Origin of another site', { origin: 'https://evil.example' }],
    ['an Origin on another port', { origin: 'http://127.0.0.1:3000' }],
    ['Origin: null (a sandboxed frame, a data: URL)', { origin: 'null' }],
    ['a malformed Origin', { origin: 'not a url' }],
    ['no Origin, a Referer of another site', { referer: 'https://evil.example/page' }],
  ])('refuses %s', async (_, headers: Record<string, string>) => {
    const emu = createEmulator()
    const res = await postForm(emu, '/__emulator/current-user', { user: 'lisi' }, headers)
    expect(res.status).toBe(403)
    expect(res.headers.get('set-cookie')).toBeNull()
  })

  it.each([
    [
      'Sec-Fetch-Site: same-origin (its own pages)',
      { 'sec-fetch-site': 'same-origin', origin: 'null' },
    ],
    ['Sec-Fetch-Site: none (typed by the user)', { 'sec-fetch-site': 'none' }],
    ['its own Origin', { origin: SELF }],
    ['its own Referer', { referer: `${SELF}/` }],
    ['no Origin, no Sec-Fetch-Site, no Referer (curl, a test script)', {}],
  ])('accepts %s', async (_, headers: Record<string, string>) => {
    const emu = createEmulator()
    const res = await postForm(emu, '/__emulator/current-user', { user: 'lisi' }, headers)
    expect(res.status).toBe(303)
    expect(res.headers.get('set-cookie')).toMatch(/^wxemu_user=lisi;/)
  })

  it('accepts the publicUrl origin', async () => {
    const emu = createEmulator({ publicUrl: 'https://emu.example.test' })
    const res = await postForm(
      emu,
      '/__emulator/current-user',
      { user: 'lisi' },
      { origin: 'https://emu.example.test' },
    )
    expect(res.status).toBe(303)
  })

  it('refuses a cross-site consent answer: no code, the request still pending', async () => {
    const emu = createEmulator()
    const request = await consentRequest(emu)
    const fields = { request, user: 'lisi', decision: 'allow' }
    const forged = await postForm(emu, '/__emulator/consent', fields, {
      'sec-fetch-site': 'cross-site',
      'user-agent': wechatUA,
    })
    expect(forged.status).toBe(403)
    expect(forged.headers.get('location')).toBeNull()
    const own = await postForm(emu, '/__emulator/consent', fields, {
      'sec-fetch-site': 'same-origin',
    })
    expect(own.status).toBe(302)
    expect(own.headers.get('location')).toMatch(/\?code=/)
  })

  it('refuses a cross-site "simulate scan" and QR confirm', async () => {
    const emu = createEmulator()
    const scan = await qrScanPath(emu)
    const headers = { origin: 'http://evil.example', accept: 'text/html' }
    expect((await postForm(emu, scan, {}, headers)).status).toBe(403)
    const confirm = scan.replace(/scan$/, 'confirm')
    const fields = { user: 'lisi', decision: 'allow' }
    expect((await postForm(emu, confirm, fields, headers)).status).toBe(403)
    expect((await emu.fetch(`${SELF}${scan.replace(/scan$/, 'status')}`)).status).toBe(200)
    const status = await (await emu.fetch(`${SELF}${scan.replace(/scan$/, 'status')}`)).json()
    expect(status).toEqual({ status: 'waiting' })
  })

  it('refuses a cross-site call of the JSON scripting API; scripts without Origin still work', async () => {
    const emu = createEmulator()
    emu.fail('sns/auth', { errcode: 40001 })
    const res = await emu.fetch(`${SELF}/__emulator/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: '{}',
    })
    expect(res.status).toBe(403)
    expect(emu.count('sns/auth')).toBe(0)
    const state = (await (await emu.fetch(`${SELF}/__emulator/state`)).json()) as {
      faults: unknown[]
    }
    expect(state.faults).toHaveLength(1)
    expect((await controlPost(emu, 'reset', {})).status).toBe(200)
  })

  it("leaves GET pages and WeChat's own endpoints alone", async () => {
    const emu = createEmulator()
    const cross = { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }
    expect((await emu.fetch(`${SELF}/`, { headers: cross })).status).toBe(200)
    expect((await emu.fetch(`${SELF}/__emulator/state`, { headers: cross })).status).toBe(200)
    const api = await emu.fetch('https://api.weixin.qq.com/sns/auth', {
      method: 'POST',
      headers: cross,
    })
    expect(((await api.json()) as { errcode: number }).errcode).toBe(41001)
  })
})
