/** The committed API reference (docs/api, generated from TSDoc) matches the code. */
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')

async function files(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    out.set(relative(dir, path), await readFile(path, 'utf8'))
  }
  return out
}

it('docs/api is up to date with the TSDoc (run `npm run docs` after changing an export)', async () => {
  const out = await mkdtemp(join(tmpdir(), 'wxauth-api-'))
  try {
    await run(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out], {
      cwd: root,
    })
    const [fresh, committed] = await Promise.all([files(out), files(join(root, 'docs/api'))])
    expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort())
    for (const [path, text] of fresh) expect(committed.get(path), path).toBe(text)
  } finally {
    await rm(out, { recursive: true, force: true })
  }
}, 60_000)
