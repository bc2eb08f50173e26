/** `VERSION` (User-Agent, `wxauth --version`) is derived from package.json. */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { VERSION } from '../../src/client/version.js'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')
const script = join(root, 'scripts', 'version.mjs')

async function packageJson(): Promise<{ version: string; scripts: Record<string, string> }> {
  return JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
}

/** A bare project with only a package.json of `version`, for scripts/version.mjs to write into. */
async function withProject<T>(version: unknown, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'wxauth-version-'))
  try {
    await mkdir(join(dir, 'src', 'client'), { recursive: true })
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'wxauth', version }))
    return await body(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('VERSION', () => {
  it('is package.json’s version', async () => {
    expect(VERSION).toBe((await packageJson()).version)
  })

  it('is written from package.json by scripts/version.mjs', async () => {
    await withProject('9.8.7-rc.1', async (dir) => {
      await run(process.execPath, [script, dir])
      const file = join(dir, 'src', 'client', 'version.ts')
      const written = (await import(pathToFileURL(file).href)) as { VERSION: string }
      expect(written.VERSION).toBe('9.8.7-rc.1')
      // The file in the repository is exactly what the script writes for the repository.
      const ours = await readFile(join(root, 'src', 'client', 'version.ts'), 'utf8')
      const version = (await packageJson()).version
      expect((await readFile(file, 'utf8')).replace('9.8.7-rc.1', version)).toBe(ours)
    })
  })

  it('refuses a version that is not semantic, and writes nothing', async () => {
    await withProject("1.0.0'; process.exit()//", async (dir) => {
      await expect(run(process.execPath, [script, dir])).rejects.toMatchObject({ code: 1 })
      await expect(readFile(join(dir, 'src', 'client', 'version.ts'))).rejects.toThrow(/ENOENT/)
    })
  })

  it('is rewritten by every build and by npm version', async () => {
    const { scripts } = await packageJson()
    expect(scripts.build).toBe('node scripts/build.mjs')
    const build = await readFile(join(root, 'scripts', 'build.mjs'), 'utf8')
    expect(build.indexOf('writeVersion(root)')).toBeGreaterThan(0)
    expect(build.indexOf('writeVersion(root)')).toBeLessThan(build.indexOf('execFileSync('))
    expect(scripts.version).toBe('node scripts/version.mjs && git add src/client/version.ts')
  })
})
