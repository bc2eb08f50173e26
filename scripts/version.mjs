// Writes src/client/version.ts from package.json's version, so that the User-Agent and
// `wxauth --version` cannot drift from the package. `npm run build` runs it, and so does
// `npm version` (the `version` script), which then commits the file with package.json.
// Usage: node scripts/version.mjs [root], root defaulting to this repository.
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Writes `<root>/src/client/version.ts` when it does not already say `<root>/package.json`'s version. */
export function writeVersion(root = fileURLToPath(new URL('..', import.meta.url))) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(version)) {
    throw new Error(`package.json "version" is not a semantic version: ${JSON.stringify(version)}`)
  }
  const source = `/**
 * This package's version, sent in the User-Agent and printed by \`wxauth --version\`. Written from
 * package.json by scripts/version.mjs, which \`npm run build\` runs: change package.json, not this.
 * @internal
 */
export const VERSION = '${version}'
`
  const file = join(root, 'src', 'client', 'version.ts')
  let current = ''
  try {
    current = readFileSync(file, 'utf8')
  } catch {}
  if (current !== source) writeFileSync(file, source)
  return version
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeVersion(process.argv[2] ? resolve(process.argv[2]) : undefined)
}
