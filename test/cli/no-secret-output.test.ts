/**
 * The CLI never prints part of a secret. A `--config` file that is not JSON is
 * reported by file, line and column, never quoted (JSON.parse's messages quote 9 characters
 * around the error); a secret typed where a key or an AppID belongs is not echoed either.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, Proc } from '../examples/harness.js'
import { canarySecret } from '../helpers/canary.js'

const secret = canarySecret('cli-config')
let dir: string

beforeAll(async () => {
  ensureBuilt()
  dir = await mkdtemp(join(tmpdir(), 'wxauth-cli-output-'))
}, 120_000)

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Runs the built CLI to completion with none of the doctor's variables set. */
async function wxauth(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cleared = Object.fromEntries(
    Object.keys(process.env)
      .filter((name) => /^(WECHAT_|WXAUTH_|BASE_URL$|REDIS_URL$)/.test(name))
      .map((name) => [name, undefined]),
  )
  const p = new Proc(process.execPath, ['dist/cli/bin.js', ...args], {
    env: { ...cleared, ...env },
  })
  const code = await p.exit(15_000)
  return { code, output: `${p.stdout}${p.stderr}`, stderr: p.stderr }
}

/** Fails when `output` holds any 4 consecutive characters of `value`. */
function expectNoPartOf(output: string, value: string): void {
  for (let i = 0; i + 4 <= value.length; i++) {
    const part = value.slice(i, i + 4)
    expect(output.includes(part), `characters ${i}-${i + 3} of the secret were printed`).toBe(false)
  }
}

/** Files with a secret and a syntax error near it, and where the error is. */
const broken: Record<string, { text: string; at: RegExp }> = {
  'single quotes': {
    text: `{\n  "wechatAppId": "wx5f1c3a9e2b7d4f60",\n  "wechatAppSecret": '${secret}'\n}\n`,
    at: /line 3, column 22/,
  },
  'no quotes': { text: `{\n  "wechatAppSecret": ${secret}\n}\n`, at: /line 2, column 2\d/ },
  'a missing comma': {
    text: `{\n  "wechatAppSecret": "${secret}"\n  "baseUrl": "https://example.com"\n}\n`,
    at: /line 3, column 3/,
  },
  'a trailing comma': { text: `{"wechatAppSecret": "${secret}",}`, at: /line 1, column 56/ },
  'an unclosed string': { text: `{"wechatAppSecret": "${secret}\n}`, at: /line 1/ },
  'a dotenv file': { text: `WECHAT_APP_SECRET=${secret}\n`, at: /line 1, column 1/ },
}

describe('regression: the CLI never prints part of a secret', () => {
  for (const [command, extra] of [
    ['doctor', []],
    ['emulator', ['--port', '0']],
  ] as const) {
    it.each(Object.entries(broken))(
      `wxauth ${command} --config, %s`,
      async (name, { text, at }) => {
        const file = join(dir, `${command}-${name.replaceAll(' ', '-')}.json`)
        await writeFile(file, text)
        const r = await wxauth([command, ...extra, '--config', file])
        expect(r.code).toBe(2)
        expect(r.stderr).toContain(`--config ${file} is not valid JSON`)
        expect(r.stderr).toMatch(at)
        expectNoPartOf(r.output, secret)
      },
    )
  }

  it('a secret typed as a key of the doctor file is not echoed', async () => {
    const file = join(dir, 'key.json')
    await writeFile(file, JSON.stringify({ wechatAppId: 'wx5f1c3a9e2b7d4f60', [secret]: '' }))
    const r = await wxauth(['doctor', '--config', file])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/a key \(not shown: it may be a value\) in .* is not a field/)
    expectNoPartOf(r.output, secret)
  })

  it.each(['url', 'doctor', 'emulator', 'dev'])(
    'a stray argument to wxauth %s is not echoed',
    async (command) => {
      const r = await wxauth([command, secret])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('unexpected argument (not shown: it may be a value)')
      expectNoPartOf(r.output, secret)
    },
  )

  it('a secret typed as a key of the emulator file is not echoed', async () => {
    const file = join(dir, 'emulator-key.json')
    const app = { appId: 'wx5f1c3a9e2b7d4f60', secret: 'x'.repeat(32), kind: 'official' }
    await writeFile(file, JSON.stringify({ apps: [{ ...app, [secret]: '' }] }))
    const r = await wxauth(['emulator', '--port', '0', '--config', file])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('"apps[0].…" is not a known field')
    expectNoPartOf(r.output, secret)
  })

  it('an AppSecret in the AppID variable is masked, and called a likely swap', async () => {
    const r = await wxauth(['doctor'], { WECHAT_APP_ID: secret, WECHAT_APP_SECRET: secret })
    expect(r.code).toBe(1)
    expect(r.output).toMatch(/AppID \*{8}\w{4} \(WECHAT_APP_ID\) does not look like a WeChat AppID/)
    expect(r.output).toMatch(/are the AppID and the AppSecret swapped\?/)
    // Masks keep the last 4 characters, as everywhere in the doctor; nothing more.
    expectNoPartOf(r.output, secret.slice(0, -1))
  })

  it('a password in a base URL that is not http(s) is masked', async () => {
    const r = await wxauth(['doctor'], { BASE_URL: `ftp://deploy:${secret}@example.com` })
    expect(r.output).toContain('BASE_URL "ftp://****@example.com" is not an http(s) origin')
    expectNoPartOf(r.output, secret)
  })
})
