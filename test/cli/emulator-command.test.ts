/**
 * The built `wxauth` command as a user runs it: `node dist/cli/bin.js …` in a child process, no
 * stdin, not a TTY. Output is awaited line by line with timeouts, never with fixed sleeps.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { canarySecret } from '../helpers/canary.js'
import { captureStream } from '../helpers/capture.js'
import { createEmulator, defaultApps } from '../helpers/emulator.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const cli = join(root, 'dist/cli/bin.js')
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ansi = /\u001b\[/

/** A running `wxauth` process and everything it printed so far. */
class Cli {
  readonly child: ChildProcess
  stdout = ''
  stderr = ''
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  #listeners = new Set<() => void>()

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [cli, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env },
    })
    // The leak check: what the CLI prints carries no secret.
    const scanOut = captureStream('child stdout', `wxauth ${args.join(' ')}`)
    const scanErr = captureStream('child stderr', `wxauth ${args.join(' ')}`)
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      scanOut(chunk)
      this.stdout += chunk
      this.#notify()
    })
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      scanErr(chunk)
      this.stderr += chunk
      this.#notify()
    })
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject)
      // 'close': the exit code is known and both pipes are drained.
      this.child.once('close', (code, signal) => {
        this.#notify()
        resolve({ code, signal })
      })
    })
    running.add(this)
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  #notify(): void {
    for (const listener of this.#listeners) listener()
  }

  /** Resolves with the first match of `re` on standard output; rejects after `ms` or on exit. */
  waitFor(re: RegExp, ms = 5000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = re.exec(this.stdout)
        if (m) return done(() => resolve(m))
        if (!this.running && this.child.stdout?.readableEnded) {
          done(() => reject(this.#failure(`exited before printing ${re}`)))
        }
      }
      const timer = setTimeout(
        () => done(() => reject(this.#failure(`no ${re} within ${ms} ms`))),
        ms,
      )
      const done = (settle: () => void) => {
        clearTimeout(timer)
        this.#listeners.delete(check)
        settle()
      }
      this.#listeners.add(check)
      check()
    })
  }

  /** Resolves with the exit code; rejects after `ms`. */
  async exit(ms = 5000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.#failure(`still running after ${ms} ms`)), ms)
    })
    try {
      const { code } = await Promise.race([this.exited, timeout])
      return code
    } finally {
      clearTimeout(timer)
    }
  }

  #failure(what: string): Error {
    return new Error(`wxauth ${what}\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`)
  }
}

const running = new Set<Cli>()

/** Runs `wxauth args` to completion. */
async function run(args: string[], env?: NodeJS.ProcessEnv) {
  const p = new Cli(args, env)
  const code = await p.exit()
  return { code, stdout: p.stdout, stderr: p.stderr }
}

/** Starts `wxauth emulator …` and waits for the URL it prints. */
async function startEmulator(args: string[] = [], env?: NodeJS.ProcessEnv) {
  const p = new Cli(['emulator', '--port', '0', ...args], env)
  const m = await p.waitFor(/Open (http:\/\/127\.0\.0\.1:(\d+)) in a browser/)
  await p.waitFor(/Press Ctrl-C to stop\.\n/)
  return { p, url: m[1] as string, port: Number(m[2]) }
}

/** Sends SIGINT and expects a clean stop. */
async function interrupt(p: Cli) {
  p.child.kill('SIGINT')
  expect(await p.exit(5000)).toBe(0)
  expect(p.stdout).toMatch(/Emulator stopped\.\n$/)
}

let dir: string

beforeAll(async () => {
  if (!existsSync(cli)) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' })
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`)
  }
  dir = await mkdtemp(join(tmpdir(), 'wxauth-cli-'))
}, 120_000)

afterEach(async () => {
  for (const p of running) {
    if (p.running) {
      p.child.kill('SIGKILL')
      await p.exited.catch(() => {})
    }
  }
  running.clear()
})

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('wxauth (top level)', () => {
  it('--help → exit 0 with the usage text on stdout', async () => {
    const r = await run(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: wxauth <command> \[options\]/)
    expect(r.stdout).toContain('emulator')
    expect(r.stderr).toBe('')
  })

  it('no arguments → the usage text and exit 2', async () => {
    const r = await run([])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('Usage: wxauth')
    expect(r.stdout).toBe('')
  })

  it('an unknown command → exit 2 with a message naming it', async () => {
    const r = await run(['frobnicate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('unknown command "frobnicate"')
    expect(r.stdout).toBe('')
  })

  it('--version and -v print the package.json version', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await run([flag])
      expect(r.code).toBe(0)
      expect(r.stdout).toBe(`${version}\n`)
    }
  })
})

describe('wxauth emulator', () => {
  it('--help → exit 0 with the command usage', async () => {
    const r = await run(['emulator', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: wxauth emulator /)
    for (const option of ['--port', '--host', '--config', '--public-url', '--allow-local-ports']) {
      expect(r.stdout).toContain(option)
    }
  })

  it('--port 0: prints the URL and app ids, serves pages and JSON, stops on SIGINT', async () => {
    const { p, url, port } = await startEmulator()
    expect(port).toBeGreaterThan(0)
    for (const app of defaultApps) expect(p.stdout).toContain(app.appId)
    expect(p.stdout).toContain(`apiBaseUrl: '${url}'`)

    const home = await fetch(`${url}/`)
    expect(home.status).toBe(200)
    expect(home.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await home.text()).toContain('wxauth')

    const api = await fetch(`${url}/sns/oauth2/access_token`)
    expect(api.status).toBe(200)
    const body = (await api.json()) as { errcode: unknown; errmsg: unknown }
    expect(body.errcode).toEqual(expect.any(Number))
    expect(body.errcode).not.toBe(0)
    expect(body.errmsg).toEqual(expect.any(String))

    await interrupt(p)
    expect(p.stderr).toBe('')
    // The port is free again.
    await expect(fetch(`${url}/`)).rejects.toThrow()
  })

  it('warns when listening beyond loopback', async () => {
    const p = new Cli(['emulator', '--port', '0', '--host', '0.0.0.0'])
    await p.waitFor(/Press Ctrl-C to stop\.\n/)
    expect(p.stdout).toContain('anyone on your network can use this emulator')
    await interrupt(p)
  })

  it('answers 10003 to a port in redirect_uri, as WeChat does; --allow-local-ports accepts localhost:PORT', async () => {
    const oa = defaultApps.find((app) => app.kind === 'official')?.appId as string
    const link = (url: string) =>
      `${url}/connect/oauth2/authorize?appid=${oa}&redirect_uri=${encodeURIComponent('http://localhost:3000/auth/wechat/callback')}&response_type=code&scope=snsapi_base&state=s1#wechat_redirect`
    const wechat = { 'user-agent': 'Mozilla/5.0 MicroMessenger/8.0.47 Language/zh_CN' }

    const strict = await startEmulator()
    expect(strict.p.stdout).toContain('Local ports: off.')
    expect(strict.p.stdout).toContain('--allow-local-ports')
    const refused = await fetch(link(strict.url), { headers: wechat, redirect: 'manual' })
    expect(refused.status).toBe(200)
    expect(await refused.text()).toContain('错误码：10003')
    await interrupt(strict.p)

    const local = await startEmulator(['--allow-local-ports'])
    expect(local.p.stdout).toContain('Local ports: on.')
    const allowed = await fetch(link(local.url), { headers: wechat, redirect: 'manual' })
    expect(allowed.status).toBe(302)
    expect(allowed.headers.get('location')).toMatch(
      /^http:\/\/localhost:3000\/auth\/wechat\/callback\?code=/,
    )
    await interrupt(local.p)
  })

  it('prints no ANSI escape codes when not a TTY (even without NO_COLOR)', async () => {
    const { p } = await startEmulator([], { NO_COLOR: undefined, TERM: 'xterm-256color' })
    await interrupt(p)
    expect(p.stdout).not.toMatch(ansi)
    expect(p.stderr).not.toMatch(ansi)
    const usage = await run(['emulator', '--port', 'x'], { NO_COLOR: undefined })
    expect(`${usage.stdout}${usage.stderr}`).not.toMatch(ansi)
  })

  describe('--config', () => {
    const app = {
      appId: 'wxc0ffee0123456789',
      secret: canarySecret('config'),
      kind: 'official',
      name: 'Config Test Account',
      domains: ['localhost:*'],
    }
    const user = { id: 'zhaoliu', nickname: 'Zhao Liu From Config' }

    it('a valid file: its app is printed and its user is on the home page', async () => {
      const file = join(dir, 'valid.json')
      await writeFile(file, JSON.stringify({ apps: [app], users: [user] }))
      const { p, url } = await startEmulator(['--config', file])
      expect(p.stdout).toContain(app.appId)
      expect(p.stdout).toContain(app.name)
      // The file replaces the built-in apps.
      for (const d of defaultApps) expect(p.stdout).not.toContain(d.appId)
      // The user's own secret is not printed, only its last characters.
      expect(p.stdout).not.toContain(app.secret)
      expect(p.stdout).toContain(`********${app.secret.slice(-4)}`)
      const html = await (await fetch(`${url}/`)).text()
      expect(html).toContain(user.nickname)
      expect(html).toContain(app.appId)
      await interrupt(p)
    })

    it('a file that is not JSON → exit 2 and a message naming the file', async () => {
      const file = join(dir, 'not-json.json')
      await writeFile(file, 'apps: [oops]\n')
      const r = await run(['emulator', '--port', '0', '--config', file])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(file)
      expect(r.stderr).toMatch(/not valid JSON/)
      expect(r.stdout).toBe('')
    })

    it("an invalid field → exit 2 with the emulator's own message", async () => {
      const file = join(dir, 'invalid.json')
      const config = { apps: [{ ...app, kind: 'newspaper' }], users: [user] }
      await writeFile(file, JSON.stringify(config))
      let message = ''
      try {
        createEmulator(config as never)
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).toContain('"apps[0].kind"')
      const r = await run(['emulator', '--port', '0', '--config', file])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(message)
      expect(r.stderr).toContain(file)
      expect(r.stdout).toBe('')
    })

    it.each([
      ['null', 'null'],
      ['an array', '[1]'],
      ['a string', '"x"'],
    ])('JSON that is %s → exit 2, not a crash', async (_name, text) => {
      const file = join(dir, 'not-object.json')
      await writeFile(file, text)
      const r = await run([
        'emulator',
        '--port',
        '0',
        '--public-url',
        'http://127.0.0.1:1',
        '--config',
        file,
      ])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('must hold a JSON object')
      expect(r.stderr).not.toMatch(/TypeError|at .*\.js:\d+/)
    })

    it('a misspelt top-level key → exit 2 naming it', async () => {
      const file = join(dir, 'typo.json')
      await writeFile(file, JSON.stringify({ user: [user] }))
      const r = await run(['emulator', '--port', '0', '--config', file])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('"user" is not an option')
    })

    it('a missing file → exit 2', async () => {
      const file = join(dir, 'does-not-exist.json')
      const r = await run(['emulator', '--port', '0', '--config', file])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(file)
      expect(r.stdout).toBe('')
    })
  })

  describe('--port', () => {
    it('out of range (70000) → exit 2', async () => {
      const r = await run(['emulator', '--port', '70000'])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('--port')
      expect(r.stderr).toContain('70000')
    })

    it('already in use → exit 1 with a message that says so', async () => {
      const server: Server = createServer()
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(0, '127.0.0.1', resolve)
      })
      try {
        const { port } = server.address() as { port: number }
        const r = await run(['emulator', '--port', String(port)])
        expect(r.code).toBe(1)
        expect(r.stderr).toContain(`port ${port}`)
        expect(r.stderr).toMatch(/in use/)
        expect(r.stdout).toBe('')
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()))
      }
    })
  })
})
