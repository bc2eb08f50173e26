/**
 * The parts of wxauth that run off Node (the core with the memory store, `wxauth/hono`,
 * `wxauth/next`) bundle for Workers, edge runtimes and browsers without a Node module: the
 * default transport there is the runtime's fetch, sealing goes through WebCrypto, and undici never
 * enters the bundle. Bundled from the built package the way a user's bundler sees it.
 */
import { fileURLToPath } from 'node:url'
import { build, type Metafile } from 'esbuild'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt } from '../examples/harness.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The bundlers' condition sets of each target, as their tools pass them to esbuild. */
const TARGETS = {
  'Cloudflare Workers (wrangler)': {
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
  },
  'Next.js Edge / Vercel (edge-light)': {
    platform: 'browser',
    conditions: ['edge-light', 'worker', 'browser'],
  },
  'a browser': { platform: 'browser', conditions: [] },
  'a neutral bundle (no conditions)': { platform: 'neutral', conditions: [] },
} as const

const ENTRIES = {
  wxauth: `import { createWxAuth, createClient, memoryStore } from 'wxauth'
export default { createWxAuth, createClient, memoryStore }`,
  // A Hono app on wxauth/hono, as a Worker would be.
  'wxauth/hono': `import { Hono } from 'hono'
import { createWxAuth } from 'wxauth'
import { wxauth } from 'wxauth/hono'
const app = new Hono()
app.use(wxauth(createWxAuth({
  apps: { official: { appId: 'wx0123456789abcdef', appSecret: 'secret' } },
  baseUrl: 'https://example.com',
  secrets: ['0123456789abcdef0123456789abcdef'],
})))
export default app`,
  'wxauth/next': `import { createWxAuth } from 'wxauth'
export * from 'wxauth/next'
export { createWxAuth }`,
} as const

beforeAll(() => ensureBuilt(), 120_000)

async function bundle(
  entry: string,
  target: (typeof TARGETS)[keyof typeof TARGETS],
  frameworks: 'external' | 'bundled' = 'external',
) {
  const result = await build({
    stdin: { contents: entry, resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: target.platform,
    conditions: [...target.conditions],
    mainFields: target.platform === 'neutral' ? ['module', 'main'] : undefined,
    // The frameworks are the app's own, as they are peer dependencies.
    external: frameworks === 'external' ? ['hono', 'hono/*', 'next', 'next/*'] : [],
    minify: frameworks === 'bundled',
    logLevel: 'silent',
  })
  return { metafile: result.metafile as Metafile, code: result.outputFiles[0]?.text ?? '' }
}

describe('bundles for runtimes other than Node hold no Node module', () => {
  for (const [targetName, target] of Object.entries(TARGETS)) {
    for (const [name, entry] of Object.entries(ENTRIES)) {
      it(`${name} for ${targetName}: no node: import, no undici, no process.getBuiltinModule`, async () => {
        const { metafile, code } = await bundle(entry, target)
        const inputs = Object.keys(metafile.inputs)
        expect(inputs.filter((input) => input.includes('node_modules/undici'))).toEqual([])
        expect(
          inputs.filter((input) =>
            /dist\/(client\/undici|client\/default-transport\.node|flow\/node-crypto)/.test(input),
          ),
        ).toEqual([])
        const imports = Object.values(metafile.outputs).flatMap((output) =>
          output.imports.map((i) => i.path),
        )
        expect(imports.filter((path) => path.startsWith('node:') || path === 'undici')).toEqual([])
        expect(code).not.toContain('getBuiltinModule')
      })
    }
  }

  it('the Worker bundle of a Hono app on wxauth/hono is small', async () => {
    const { metafile } = await bundle(
      ENTRIES['wxauth/hono'],
      TARGETS['Cloudflare Workers (wrangler)'],
    )
    const bytes = Object.values(metafile.outputs).reduce((sum, output) => sum + output.bytes, 0)
    // It was 1.1 MB with undici; bench/RESULTS.md records the size.
    console.log(`[edge-bundle] Hono + wxauth Worker, minified: ${bytes} bytes`)
    expect(bytes).toBeLessThan(200_000)
  })
})
