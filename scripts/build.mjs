// `npm run build`: writes src/client/version.ts from package.json, then compiles src/ into a fresh
// dist/. Emptied first, so that no output of a renamed or deleted source (or of an option since
// turned off) lingers and gets packed.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { writeVersion } from './version.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

writeVersion(root)
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true })
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  })
} catch (error) {
  process.exit(error.status ?? 1) // tsc has printed its errors
}
