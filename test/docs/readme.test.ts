/** The README's runnable examples run as written, in both languages. */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')

async function codeBlocks(file: string, language: string): Promise<string[]> {
  const text = await readFile(join(root, file), 'utf8')
  const fence = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g')
  return [...text.matchAll(fence)].map((match) => match[1] ?? '')
}

describe.each(['README.md', 'README.zh-CN.md'])('%s', (file) => {
  it('the in-process emulator example exchanges a code', async () => {
    const example = (await codeBlocks(file, 'ts')).find((block) =>
      block.includes('createEmulator()'),
    )
    expect(example).toBeDefined()
    // Inside the package folder, `wxauth` resolves to this package's build (self-reference).
    const dir = await mkdtemp(join(root, 'test', '.readme-'))
    try {
      const script = join(dir, 'example.mjs')
      await writeFile(script, `${example}\nconsole.log(JSON.stringify(tokens))\n`)
      const { stdout } = await run(process.execPath, [script], { cwd: root })
      expect(JSON.parse(stdout)).toMatchObject({
        openid: expect.stringMatching(/^o/),
        expires_in: 7200,
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('the Redis store example connects and stores', async () => {
    const example = (await codeBlocks(file, 'ts')).find((block) => block.includes('redisStore({'))
    expect(example).toBeDefined()
    const dir = await mkdtemp(join(root, 'test', '.readme-'))
    try {
      const script = join(dir, 'example.mjs')
      const check = `await store.set('readme', 'ok', 10_000)\nconsole.log(await store.consume('readme'))\nclient.disconnect()\n`
      await writeFile(script, `${example}\n${check}`)
      const { stdout } = await run(process.execPath, [script], { cwd: root })
      expect(stdout.trim()).toBe('ok')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('the --config example is a valid emulator configuration', async () => {
    const { createEmulator } = await import('../helpers/emulator.js')
    const config = (await codeBlocks(file, 'json')).find((block) => block.includes('"apps"'))
    expect(config).toBeDefined()
    const emulator = createEmulator(JSON.parse(config ?? ''))
    expect(emulator.apps.map((app) => app.appId)).toContain('wx1111111111111111')
  })
})
