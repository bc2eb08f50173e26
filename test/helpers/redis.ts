import { Socket } from 'node:net'

/** The Redis the tests use. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
export const START_REDIS =
  'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'

/**
 * Whether Redis answers at REDIS_URL. Under CI a missing Redis is a failure, not a skip; elsewhere
 * the caller skips with a message saying how to start one.
 */
export async function redisReachable(): Promise<boolean> {
  const { hostname, port } = new URL(REDIS_URL)
  const ok = await new Promise<boolean>((resolve) => {
    const socket = new Socket()
    socket.setTimeout(1_000)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
    socket.connect(Number(port || 6379), hostname)
  })
  if (!ok && process.env.CI === 'true') {
    throw new Error(
      `No Redis at ${REDIS_URL} (REDIS_URL); CI must provide one, e.g. ${START_REDIS}`,
    )
  }
  if (!ok) console.warn(`Skipping: no Redis at ${REDIS_URL}. Start one with:\n  ${START_REDIS}`)
  return ok
}
