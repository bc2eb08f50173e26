/**
 * Running `wxauth doctor` as a user does (`node dist/cli/bin.js doctor …` in a child process, not
 * a TTY) and reading its checklist, for the doctor's tests.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { captureStream } from '../helpers/capture.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const cli = join(root, 'dist/cli/bin.js')

/** Every variable the doctor reads: cleared so that the test machine's own settings never leak in. */
export const cleared: NodeJS.ProcessEnv = Object.fromEntries(
  [
    'WECHAT_APP_ID',
    'WECHAT_APP_SECRET',
    'WECHAT_WEBSITE_APP_ID',
    'WECHAT_WEBSITE_APP_SECRET',
    'WXAUTH_SECRET',
    'BASE_URL',
    'WXAUTH_BASE_PATH',
    'WECHAT_API_BASE_URL',
    'WECHAT_OPEN_BASE_URL',
    'WXAUTH_AUTHORIZED_DOMAIN',
    'REDIS_URL',
  ].map((name) => [name, undefined]),
)

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `wxauth doctor args` to completion with `env` on top of a cleared environment. */
export function doctor(args: string[], env: NodeJS.ProcessEnv, ms = 15_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'doctor', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...cleared, ...env },
    })
    let stdout = ''
    let stderr = ''
    // The leak check: what the CLI prints carries no secret.
    const scanOut = captureStream('child stdout', `wxauth doctor ${args.join(' ')}`)
    const scanErr = captureStream('child stderr', `wxauth doctor ${args.join(' ')}`)
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      scanOut(chunk)
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      scanErr(chunk)
      stderr += chunk
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`wxauth doctor still running after ${ms} ms\n${stdout}\n${stderr}`))
    }, ms)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      const run = { code, stdout, stderr }
      // No secret from the environment ever appears, whatever the run.
      for (const secret of secretsIn(env)) {
        expect(stdout + stderr, 'a secret was printed').not.toContain(secret)
      }
      resolve(run)
    })
  })
}

function secretsIn(env: NodeJS.ProcessEnv): string[] {
  const values = [env.WECHAT_APP_SECRET, env.WECHAT_WEBSITE_APP_SECRET]
  values.push(...(env.WXAUTH_SECRET ?? '').split(','))
  const redis = env.REDIS_URL ? URL.parse(env.REDIS_URL) : null
  if (redis?.password) values.push(redis.password)
  return values.filter((v): v is string => typeof v === 'string' && v.length >= 4)
}

/** The lines of one status. */
export function lines(run: Run, status: 'ok' | 'warn' | 'fail' | 'skip'): string[] {
  return run.stdout.split('\n').filter((l) => l.trimStart().startsWith(`[${status}]`))
}

/** The `[fail]` line matching `title`, with the indented lines under it. */
export function failure(run: Run, title: RegExp): string {
  const all = run.stdout.split('\n')
  const i = all.findIndex((l) => l.trimStart().startsWith('[fail]') && title.test(l))
  if (i < 0) throw new Error(`no [fail] line matching ${title}:\n${run.stdout}`)
  const block = [all[i] as string]
  for (const next of all.slice(i + 1)) {
    if (!/^ {5,}\S/.test(next)) break
    block.push(next)
  }
  return block.join('\n')
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** `env` with the website app's AppID and AppSecret as the official account, and no website app. */
export function websiteAsOfficial(
  env: NodeJS.ProcessEnv,
  website: { appId: string; secret: string },
): NodeJS.ProcessEnv {
  return {
    ...env,
    WECHAT_APP_ID: website.appId,
    WECHAT_APP_SECRET: website.secret,
    WECHAT_WEBSITE_APP_ID: undefined,
    WECHAT_WEBSITE_APP_SECRET: undefined,
  }
}
