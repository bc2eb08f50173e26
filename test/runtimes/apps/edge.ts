/**
 * wxauth on Vercel's Edge Runtime (`edge-runtime`): a fetch-event script, bundled into one file
 * and served by edge.mjs; configured by `process.env`, as on Vercel.
 */
import { createApp } from '#app'

declare const EdgeRuntime: string
declare function addEventListener(
  type: 'fetch',
  listener: (event: { request: Request; respondWith(response: Promise<Response>): void }) => void,
): void

const app = createApp(`edge-runtime (${EdgeRuntime})`, process.env)

addEventListener('fetch', (event) => event.respondWith(Promise.resolve(app.fetch(event.request))))
