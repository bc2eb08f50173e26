/**
 * The message for a port that is taken: the command to run again, as the user started it (`npm
 * start -- --port N` under npm, `wxauth dev --port N` otherwise), with a port that is free now.
 */
import { createServer } from 'node:net'

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, host, () => server.close(() => resolve(true)))
  })
}

/** The first free port after `port` (up to 20 tried), else 0: the system picks one. */
async function nextFree(port: number, host: string): Promise<number> {
  for (let candidate = port + 1; candidate <= Math.min(port + 20, 65_535); candidate++) {
    if (await isFree(candidate, host)) return candidate
  }
  return 0
}

/** How the user ran the command: through an npm script (`npm start --`) or directly. */
function invocation(command: string, env: NodeJS.ProcessEnv): string {
  const script = env.npm_lifecycle_event
  if (!script) return `wxauth ${command}`
  return script === 'start' || script === 'test' ? `npm ${script} --` : `npm run ${script} --`
}

/** The error to report when `option`'s `port` on `host` is in use (EADDRINUSE). */
export async function portInUse(
  command: string,
  option: string,
  port: number,
  host: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Error> {
  const free = await nextFree(port, host)
  return new Error(
    `port ${port} on ${host} is in use; start on another with: ${invocation(command, env)} ${option} ${free}` +
      (free === 0 ? ' (0 picks a free one)' : ''),
  )
}
