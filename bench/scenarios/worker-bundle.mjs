// The size of a Cloudflare Worker that logs in with WeChat: a Hono app on wxauth/hono, bundled
// with esbuild the way wrangler does (conditions workerd, worker, browser; minified), beside Hono
// alone and the same app bundled for Node (where the default transport is undici).
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('../..', import.meta.url))
const TARGET_KB = 200

const APP = `import { Hono } from 'hono'
import { createWxAuth } from 'wxauth'
import { wxauth } from 'wxauth/hono'
const app = new Hono()
app.use(wxauth(createWxAuth({
  apps: { official: { appId: 'wx0123456789abcdef', appSecret: 'secret' } },
  baseUrl: 'https://example.com',
  secrets: ['0123456789abcdef0123456789abcdef'],
})))
export default app`

const HONO = `import { Hono } from 'hono'
export default new Hono().get('/', (c) => c.text('hello'))`

async function size(contents, target) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    metafile: true,
    minify: true,
    format: 'esm',
    ...target,
    logLevel: 'silent',
  })
  const bytes = result.outputFiles.reduce((sum, file) => sum + file.contents.byteLength, 0)
  const undici = Object.keys(result.metafile.inputs).some((input) => input.includes('undici'))
  return { kb: bytes / 1024, undici }
}

const WORKERS = { platform: 'browser', conditions: ['workerd', 'worker', 'browser'] }
const NODE = { platform: 'node', external: ['undici'] }

export async function run({ log }) {
  const worker = await size(APP, WORKERS)
  const hono = await size(HONO, WORKERS)
  const node = await size(APP, NODE)
  log(
    `Worker: ${worker.kb.toFixed(1)} kB (undici: ${worker.undici}), Hono alone ${hono.kb.toFixed(1)} kB`,
  )
  return {
    scenario: 'worker-bundle',
    title: 'Bundle: a Cloudflare Worker with a Hono app on wxauth/hono',
    unit: 'kB',
    better: 'lower',
    description:
      'esbuild from the repository, minified ESM. The Worker bundle uses the conditions wrangler passes (workerd, worker, browser), so the default transport is the runtime’s fetch and sealing is WebCrypto; the Node bundle (platform node, undici left external as a dependency) is for comparison.',
    contenders: [
      {
        name: 'Hono + wxauth, for Workers',
        runs: [worker.kb],
        extra: { 'undici in the bundle': worker.undici ? 'yes' : 'no' },
      },
      { name: 'Hono alone, for Workers', runs: [hono.kb], extra: { 'undici in the bundle': 'no' } },
      {
        name: 'Hono + wxauth, for Node (undici external)',
        runs: [node.kb],
        extra: { 'undici in the bundle': 'external' },
      },
    ],
    target: {
      text: `a Worker bundle without undici, under ${TARGET_KB} kB`,
      met: !worker.undici && worker.kb < TARGET_KB,
      detail: `${worker.kb.toFixed(1)} kB, of which Hono ${hono.kb.toFixed(1)} kB; undici ${worker.undici ? 'included' : 'not included'} (it was 1.1 MB with undici).`,
      line: { value: TARGET_KB, label: `${TARGET_KB} kB` },
    },
  }
}
