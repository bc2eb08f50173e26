/** The README's runnable examples run as written, in both languages. */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')

/** Every link target in a Markdown text: inline `[text](target)` and definitions `[label]: target`. */
function linkTargets(text: string): string[] {
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
  const definitions = [...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)]
  return [...inline, ...definitions].map((match) => match[1] ?? '')
}

/** The repository's web address, from package.json's `repository` (`git+https://….git`). */
async function repositoryUrl(): Promise<string> {
  const { repository } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
  return String(repository.url)
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
}

/** `a/b/c.md` → `a`, `a/b`. */
function parentFolders(file: string): string[] {
  const parts = file.split('/')
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'))
}

async function codeBlocks(file: string, language: string): Promise<string[]> {
  const text = await readFile(join(root, file), 'utf8')
  const fence = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g')
  return [...text.matchAll(fence)].map((match) => match[1] ?? '')
}

describe.each(['README.md', 'README.zh-CN.md'])('%s', (file) => {
  it('has only absolute links, so that they work on the npm registry’s page too', async () => {
    const targets = linkTargets(await readFile(join(root, file), 'utf8'))
    expect(targets.length).toBeGreaterThan(5)
    // An in-page anchor is the one relative link that works wherever the README is shown.
    expect(targets.filter((target) => !/^(https?:|mailto:|#)/.test(target))).toEqual([])
  })

  it('links into the repository only to files and folders that it holds', async () => {
    const repository = await repositoryUrl()
    // What the repository holds: tracked files, and new ones that git does not ignore (not dist/).
    const { stdout } = await run(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      { cwd: root },
    )
    const files = new Set(stdout.split('\0').filter(Boolean))
    const folders = new Set([...files].flatMap(parentFolders))
    expect(repository).toBe('https://github.com/wxauth/wxauth')
    const targets = linkTargets(await readFile(join(root, file), 'utf8'))
    const ours = targets.filter((target) => target.startsWith(`${repository}/`))
    expect(ours.length).toBeGreaterThan(5)
    const broken = ours.filter((target) => {
      const match = /^\/(blob|tree)\/main\/([^#?]+)/.exec(target.slice(repository.length))
      if (!match) return !/^\/(issues|pulls)?$/.test(target.slice(repository.length))
      const path = decodeURIComponent(match[2] ?? '').replace(/\/$/, '')
      return !(match[1] === 'tree' ? folders : files).has(path)
    })
    expect(broken).toEqual([])
  })

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
