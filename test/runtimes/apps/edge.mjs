// Serves the bundled edge.ts (the first argument) with edge-runtime on 127.0.0.1:PORT, its
// `process.env` the environment's, as Vercel gives Edge Functions theirs.
import { readFile } from 'node:fs/promises'
import { EdgeRuntime, runServer } from 'edge-runtime'

const runtime = new EdgeRuntime({
  initialCode: await readFile(process.argv[2], 'utf8'),
  extend: (context) => Object.assign(context, { process: { env: { ...process.env } } }),
})
const server = await runServer({ runtime, host: '127.0.0.1', port: Number(process.env.PORT) })
console.log(`Listening on ${server.url.replace(/\/$/, '')}`)
