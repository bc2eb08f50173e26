/**
 * The package as a user gets it. The README's Install commands run as
 * written, each into a fresh project, with the repository's address replaced by a git repository
 * made from this working tree: from a git URL, and from a tarball that `npm pack` makes in a
 * "clone" (the copy, with this checkout's node_modules). Then every subpath of the exports map is
 * imported without any peer dependency, and compiled by TypeScript with `moduleResolution` node16,
 * nodenext and bundler; `npx wxauth --version` runs; and what `npm pack` packs is checked: dist/
 * and the docs only, source maps that resolve, nothing secret.
 *
 * npm works offline first (`prefer-offline`): the package's dependencies and the clone's come from
 * the npm cache that `npm ci` filled, or else from the registry.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import {
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CANARY } from '../helpers/canary.js'

interface PackageJson {
  version: string
  license: string
  exports: Record<string, string | { types?: string; default: string }>
  peerDependencies: Record<string, string>
}

const execFileAsync = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson
/** The address the README installs from, replaced here by a local git repository. */
const REPOSITORY = 'https://github.com/wxauth/wxauth.git'
const TARBALL = `wxauth-${pkg.version}.tgz`
const SLOW = 240_000

/** What a user's npm sees: none of the outer `npm test`'s npm_* variables, offline first. */
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^npm_/i.test(key) || /^npm_config_(cache|registry|userconfig)$/i.test(key),
    ),
  ),
  NODE_ENV: undefined,
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
}

/** Runs `script` with `sh -e` in `cwd`; a failure says what npm or git said. */
async function sh(script: string, cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync('sh', ['-ec', script], {
      cwd,
      env,
      maxBuffer: 64 * 1024 * 1024,
    })
    return stdout
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(`\`${script.trim()}\` failed in ${cwd}:\n${`${stdout}${stderr}`.slice(-6000)}`)
  }
}

/** The `sh` blocks of a README's Install section. */
async function installCommands(file: string, heading: string): Promise<string[]> {
  const text = await readFile(join(root, file), 'utf8')
  const start = text.indexOf(`\n## ${heading}\n`)
  expect(start, `${file} has a "## ${heading}" section`).toBeGreaterThan(0)
  const section = text.slice(start, text.indexOf('\n## ', start + 1))
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '')
}

/** Every file under `dir`, relative to it, with its SHA-256. */
async function files(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    const hash = createHash('sha256').update(await readFile(path))
    found.set(relative(dir, path), hash.digest('hex'))
  }
  return found
}

/** `.` → `wxauth`, `./node` → `wxauth/node`. */
const specifier = (subpath: string) => (subpath === '.' ? 'wxauth' : `wxauth/${subpath.slice(2)}`)

/** Imports every subpath of the installed package's exports map; prints each one's export names. */
const IMPORT_ALL = `import { createRequire } from 'node:module'
const { exports } = createRequire(import.meta.url)('wxauth/package.json')
const names = {}
for (const subpath of Object.keys(exports)) {
  const specifier = subpath === '.' ? 'wxauth' : 'wxauth/' + subpath.slice(2)
  const json = subpath.endsWith('.json') ? { with: { type: 'json' } } : undefined
  names[specifier] = Object.keys(await import(specifier, json)).sort()
}
console.log(JSON.stringify(names))
`

/** The same with CommonJS `require()` (of an ES module: Node 20.19+ and 22.12+, as engines says). */
const REQUIRE_ALL = `const { exports: map } = require('wxauth/package.json')
const names = {}
for (const subpath of Object.keys(map)) {
  const specifier = subpath === '.' ? 'wxauth' : 'wxauth/' + subpath.slice(2)
  names[specifier] = Object.keys(require(specifier)).filter((n) => n !== '__esModule' && n !== 'module.exports').sort()
}
console.log(JSON.stringify(names))
`

async function requireAll(app: string): Promise<Record<string, string[]>> {
  await writeFile(join(app, 'require-all.cjs'), REQUIRE_ALL)
  return JSON.parse(await sh('node --no-warnings require-all.cjs', app))
}

async function importAll(app: string): Promise<Record<string, string[]>> {
  await writeFile(join(app, 'import-all.mjs'), IMPORT_ALL)
  return JSON.parse(await sh('node import-all.mjs', app))
}

async function newProject(dir: string): Promise<string> {
  await mkdir(dir)
  const name = dir.split('/').pop()
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name, private: true, type: 'module' }),
  )
  return dir
}

let work = ''
/** The "clone": this working tree as a git repository (committed), with node_modules. */
let clone = ''
let viaTarball: Promise<string>
let viaGit: Promise<string>
/** A third project from the tarball, with the peers' types linked in, for tsc. */
let typed: Promise<string>

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wxauth-package-'))
  clone = join(work, 'wxauth')
  const listed = await execFileAsync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: root, maxBuffer: 64 * 1024 * 1024 },
  )
  for (const file of new Set(listed.stdout.split('\0').filter(Boolean))) {
    if (!existsSync(join(root, file))) continue // deleted, not yet committed
    await mkdir(dirname(join(clone, file)), { recursive: true })
    await copyFile(join(root, file), join(clone, file))
  }
  const git = 'git -c user.name=wxauth -c user.email=test@wxauth.invalid -c commit.gpgsign=false'
  await sh(`git init -q && git add -A && ${git} commit -qm 'the working tree'`, clone)
  await symlink(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir')
  // What an earlier build of a working copy could have left; the build must not pack it.
  await mkdir(join(clone, 'dist'))
  await writeFile(join(clone, 'dist', 'renamed-module.js'), 'export {}\n')
  await writeFile(join(clone, 'dist', 'index.d.ts.map'), '{}\n')

  const [fromGit, fromTarball] = await installCommands('README.md', 'Install')
  viaGit = newProject(join(work, 'git-app')).then(async (app) => {
    expect(fromGit).toContain(REPOSITORY)
    await sh(fromGit?.replaceAll(REPOSITORY, `file://${clone}`) ?? '', app)
    return app
  })
  viaTarball = newProject(join(work, 'my-app')).then(async (app) => {
    await sh(fromTarball ?? '', clone)
    return app
  })
  typed = viaTarball.then(async () => {
    const app = await newProject(join(work, 'typed-app'))
    await sh(`npm install ${join(clone, TARBALL)}`, app)
    const modules = join(app, 'node_modules')
    for (const name of [...Object.keys(pkg.peerDependencies), '@types/node']) {
      if (!existsSync(join(root, 'node_modules', name))) continue
      await mkdir(dirname(join(modules, name)), { recursive: true })
      await symlink(join(root, 'node_modules', name), join(modules, name), 'dir')
    }
    return app
  })
  // Each test awaits what it needs and reports its failure; none is left unhandled meanwhile.
  for (const installing of [viaGit, viaTarball, typed]) installing.catch(() => {})
})

afterAll(async () => {
  await Promise.allSettled([viaGit, viaTarball, typed])
  if (work) await rm(work, { recursive: true, force: true })
}, SLOW)

describe('the README’s Install section', () => {
  it('shows the same commands in both languages: a git URL, and a tarball of this version', async () => {
    const commands = await installCommands('README.md', 'Install')
    expect(await installCommands('README.zh-CN.md', '安装')).toEqual(commands)
    expect(commands).toHaveLength(2)
    expect(commands[0]).toContain(`npm install git+${REPOSITORY}`)
    expect(commands[1]).toContain('npm pack')
    expect(commands[1]).toContain(`npm install ../wxauth/${TARBALL}`)
  })

  it('installs from the git URL and from the tarball the same files', {
    timeout: SLOW,
  }, async () => {
    const fromTarball = await files(join(await viaTarball, 'node_modules', 'wxauth'))
    const fromGit = await files(join(await viaGit, 'node_modules', 'wxauth'))
    expect(fromTarball.has('dist/index.js')).toBe(true)
    expect(fromGit).toEqual(fromTarball)
  })
})

describe('what npm pack packs', () => {
  async function packed(): Promise<string[]> {
    await viaTarball // the README's npm pack has built the clone's dist/
    const json = await sh('npm pack --dry-run --json --ignore-scripts', clone)
    return (JSON.parse(json) as [{ files: { path: string }[] }])[0].files.map((file) => file.path)
  }

  it('is dist/ and the docs: no sources, tests, env files or stale outputs', {
    timeout: SLOW,
  }, async () => {
    const paths = await packed()
    const docs = ['package.json', 'README.md', 'README.zh-CN.md', 'LICENSE', 'CHANGELOG.md']
    expect(paths.filter((path) => !docs.includes(path) && !path.startsWith('dist/'))).toEqual([])
    expect(docs.filter((path) => !paths.includes(path))).toEqual([])
    const unwanted = /(^|\/)(src|test)\/|(^|\/)\.(env|npmrc)|\.tsbuildinfo$|\.d\.ts\.map$/
    expect(paths.filter((path) => unwanted.test(path))).toEqual([])
    // Every output has its source: nothing left over from a renamed or deleted file (the clone's
    // dist/ had one before the README's npm pack built it).
    const orphans = paths
      .filter((path) => path.startsWith('dist/'))
      .map((path) => path.replace(/^dist\//, 'src/').replace(/(\.d\.ts|\.js\.map|\.js)$/, '.ts'))
      .filter((source) => !existsSync(join(clone, source)))
    expect(orphans).toEqual([])
  })

  it('holds no secret', { timeout: SLOW }, async () => {
    const dir = join(await viaTarball, 'node_modules', 'wxauth')
    const secret = new RegExp(
      [
        CANARY, // a test's secret
        '-----BEGIN [A-Z ]*PRIVATE KEY-----',
        'npm_[A-Za-z0-9]{36}', // an npm token
        'gh[pousr]_[A-Za-z0-9]{36}', // a GitHub token
        '"_authToken"|_auth\\s*=',
      ].join('|'),
    )
    const holding: string[] = []
    for (const path of (await files(dir)).keys()) {
      if (secret.test(await readFile(join(dir, path), 'utf8'))) holding.push(path)
    }
    expect(holding).toEqual([])
  })

  it('has LICENSE (MIT) and CHANGELOG.md', { timeout: SLOW }, async () => {
    const dir = join(await viaTarball, 'node_modules', 'wxauth')
    expect(pkg.license).toBe('MIT')
    expect(await readFile(join(dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\)/)
    expect(await readFile(join(dir, 'CHANGELOG.md'), 'utf8')).toMatch(/^# Changelog\n/)
  })

  it('says where the project lives: repository, homepage and issue tracker', {
    timeout: SLOW,
  }, async () => {
    const dir = join(await viaTarball, 'node_modules', 'wxauth')
    const packed = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))
    expect(packed).toMatchObject({
      repository: { type: 'git', url: `git+${REPOSITORY}` },
      homepage: 'https://github.com/wxauth/wxauth#readme',
      bugs: { url: 'https://github.com/wxauth/wxauth/issues' },
    })
  })

  it('has source maps that resolve without src/, and no declaration maps', {
    timeout: SLOW,
  }, async () => {
    const dir = join(await viaTarball, 'node_modules', 'wxauth')
    const paths = [...(await files(dir)).keys()]
    const scripts = paths.filter((path) => path.endsWith('.js'))
    expect(scripts.length).toBeGreaterThan(50)
    for (const script of scripts) {
      const text = await readFile(join(dir, script), 'utf8')
      const url = /\n\/\/# sourceMappingURL=([^\s]+)\s*$/.exec(text)?.[1]
      expect(url, script).toBe(`${script.split('/').pop()}.map`)
      const map = JSON.parse(await readFile(join(dir, `${script}.map`), 'utf8')) as {
        sources: string[]
        sourcesContent?: (string | null)[]
      }
      expect(map.sources.length, script).toBeGreaterThan(0)
      // The sources travel inside the map: each is the TypeScript that the repository holds.
      expect(map.sourcesContent?.length, script).toBe(map.sources.length)
      map.sources.forEach((source, i) => {
        const original = readFileSync(join(clone, dirname(script), source), 'utf8')
        expect(map.sourcesContent?.[i] === original, `${script}: ${source}`).toBe(true)
      })
    }
    expect(paths.filter((path) => path.endsWith('.d.ts.map'))).toEqual([])
    for (const declaration of paths.filter((path) => path.endsWith('.d.ts'))) {
      expect(await readFile(join(dir, declaration), 'utf8'), declaration).not.toMatch(
        /sourceMappingURL/,
      )
    }
  })
})

describe.each([
  ['the tarball', () => viaTarball],
  ['the git URL', () => viaGit],
])('installed from %s', (_, installed) => {
  it('imports every subpath of the exports map with no peer dependency installed', {
    timeout: SLOW,
  }, async () => {
    const app = await installed()
    const peers = Object.keys(pkg.peerDependencies)
    expect(peers.filter((name) => existsSync(join(app, 'node_modules', name)))).toEqual([])
    const names = await importAll(app)
    expect(Object.keys(names)).toEqual(Object.keys(pkg.exports).map(specifier))
    const empty = Object.entries(names).filter(([, exported]) => exported.length === 0)
    expect(empty).toEqual([])
  })

  it('requires every subpath from CommonJS, the same exports as import', {
    timeout: SLOW,
  }, async () => {
    const app = await installed()
    // package.json itself is JSON: an object to require(), a default export to import.
    const { 'wxauth/package.json': _, ...required } = await requireAll(app)
    const { 'wxauth/package.json': __, ...imported } = await importAll(app)
    expect(Object.keys(required)).toHaveLength(Object.keys(pkg.exports).length - 1)
    expect(required).toEqual(imported)
  })

  it('runs `npx wxauth --version`: package.json’s version', { timeout: SLOW }, async () => {
    // --no: never fetch a package of that name from the registry: the installed bin, or nothing.
    expect(await sh('npx --no -- wxauth --version', await installed())).toBe(`${pkg.version}\n`)
  })
})

describe('TypeScript in a project that installed the tarball (and the peers it uses)', () => {
  const resolutions = {
    node16: { module: 'Node16', moduleResolution: 'Node16' },
    nodenext: { module: 'NodeNext', moduleResolution: 'NodeNext' },
    bundler: { module: 'ESNext', moduleResolution: 'Bundler' },
  }

  it('compiles every subpath under moduleResolution node16, nodenext and bundler', {
    timeout: SLOW,
  }, async () => {
    const app = await typed
    const names = await importAll(app)
    const typedSubpaths = Object.entries(pkg.exports).filter(
      ([, target]) => typeof target === 'object' && target.types,
    )
    expect(typedSubpaths.length).toBe(Object.keys(pkg.exports).length - 1) // all but package.json
    // Each subpath's runtime exports are all typed, and none of them is `any` (an import in a
    // declaration file that did not resolve).
    const lines = [
      'type AnyExports<M> = { [K in keyof M]: 0 extends 1 & M[K] ? K : never }[keyof M]',
      "type NoAny<M> = [AnyExports<M>] extends [never] ? 'none' : AnyExports<M>",
    ]
    typedSubpaths.forEach(([subpath], i) => {
      const exported = names[specifier(subpath)] ?? []
      lines.push(
        `import * as m${i} from '${specifier(subpath)}'`,
        `export const names${i} = ${JSON.stringify(exported)} as const satisfies readonly (keyof typeof m${i})[]`,
        `export const none${i}: NoAny<typeof m${i}> = 'none'`,
      )
    })
    await writeFile(join(app, 'all.ts'), `${lines.join('\n')}\n`)
    const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc')
    const results = await Promise.all(
      Object.entries(resolutions).map(async ([name, options]) => {
        const config = `tsconfig.${name}.json`
        const compilerOptions = {
          ...options,
          target: 'ES2022',
          lib: ['ES2023'],
          types: ['node'],
          strict: true,
          noEmit: true,
          // nodenext also checks wxauth's own declaration files; the others skip them (faster).
          skipLibCheck: name !== 'nodenext',
        }
        await writeFile(join(app, config), JSON.stringify({ compilerOptions, files: ['all.ts'] }))
        const output = await execFileAsync(process.execPath, [tsc, '-p', config], { cwd: app })
          .then(() => '')
          .catch((error: { stdout?: string }) => error.stdout ?? String(error))
        // Errors in other packages' declarations (a peer's own types) are theirs, not ours.
        const ours = output
          .split(/\n(?=\S)/)
          .filter((error) => error.trim() !== '')
          .filter(
            (error) =>
              !/^\S+\(\d+,\d+\)/.test(error) || /^(all\.ts|node_modules\/wxauth\/)/.test(error),
          )
        return [name, ours] as const
      }),
    )
    expect(Object.fromEntries(results)).toEqual({ node16: [], nodenext: [], bundler: [] })
  })
})
