/** wxauth on Bun: `bun bun.ts`, configured by environment variables, on PORT. */
import { createApp } from '#app'

declare const Bun: {
  version: string
  serve(options: { hostname: string; port: number; fetch: (request: Request) => unknown }): {
    url: URL
  }
}

const app = createApp(`Bun ${Bun.version}`, process.env)

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.env.PORT),
  fetch: app.fetch,
})
console.log(`Listening on ${server.url.origin}`)
