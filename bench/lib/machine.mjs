// What machine and code a run was measured on.
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../..', import.meta.url))

function git(args) {
  try {
    return execFileSync('git', args, {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return undefined
  }
}

/**
 * @returns {{ cores: number, cpuModel: string, memoryGiB: number, node: string, v8: string,
 *   platform: string, date: string, commit?: string, dirty?: boolean }}
 */
export function machineInfo() {
  const cpus = os.cpus()
  const commit = git(['rev-parse', '--short', 'HEAD'])
  const status = git(['status', '--porcelain', '--untracked-files=no'])
  return {
    cores: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    // Anything else running shares the cores: a load average near or above `cores` skews the numbers.
    loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
    commit,
    dirty: status === undefined ? undefined : status !== '',
  }
}
