/** wxauth on Deno: `deno run --allow-net --allow-env deno.ts`, configured likewise, on PORT. */
import { createApp } from '#app'

declare const Deno: {
  version: { deno: string }
  env: { toObject(): Record<string, string> }
  serve(
    options: { hostname: string; port: number; onListen: (addr: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown
}

const env = Deno.env.toObject()
const app = createApp(`Deno ${Deno.version.deno}`, env)

Deno.serve(
  {
    hostname: '127.0.0.1',
    port: Number(env.PORT),
    onListen: ({ port }) => console.log(`Listening on http://127.0.0.1:${port}`),
  },
  app.fetch,
)
