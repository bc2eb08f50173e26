import { spawnSync } from 'node:child_process'
import { Socket } from 'node:net'
import { need } from './requirements.js'

/** The Redis the tests use. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
export const START_REDIS =
  'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'

/**
 * Whether Redis answers at REDIS_URL. Under CI a missing Redis is a failure, not a skip; elsewhere
 * the caller skips, and the run's closing note says how to start one.
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
  return need(ok, {
    tests: 'Redis tests',
    missing: `no Redis at ${REDIS_URL} (REDIS_URL)`,
    install: `apt-get install redis-server, then ${START_REDIS}`,
  })
}

/** The redis-server binary the tests that run their own servers start (REDIS_SERVER). */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server'

/** Whether REDIS_SERVER runs; under CI a missing one is a failure, elsewhere a noted skip. */
export function redisServerInstalled(): boolean {
  const installed = spawnSync(REDIS_SERVER, ['--version']).status === 0
  return need(installed, {
    tests: 'tests that run their own redis-server',
    missing: `no ${REDIS_SERVER} (REDIS_SERVER)`,
    install: 'apt-get install redis-server',
  })
}
