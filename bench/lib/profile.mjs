// Reads a V8 .cpuprofile (from node --cpu-prof) and sums self time per function and per file.
import { readFile } from 'node:fs/promises'

/**
 * @param {string} file a .cpuprofile
 * @param {{ top?: number, root?: string }} [options] `root` is cut from the front of file URLs.
 * @returns {Promise<{ totalMs: number, functions: { name: string, where: string, selfMs: number,
 *   percent: number }[], files: { where: string, selfMs: number, percent: number }[] }>}
 */
export async function summarizeProfile(file, { top = 15, root = '' } = {}) {
  const profile = JSON.parse(await readFile(file, 'utf8'))
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map()
  const deltas = profile.timeDeltas
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]
    self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0))
  }
  let total = 0
  const functions = new Map()
  const files = new Map()
  for (const [id, micros] of self) {
    const node = byId.get(id)
    if (!node) continue
    total += micros
    const frame = node.callFrame
    const url = shorten(frame.url, root)
    const name = frame.functionName || '(anonymous)'
    const where = url ? `${url}:${frame.lineNumber + 1}` : ''
    const key = `${name}\u0000${where}`
    functions.set(key, (functions.get(key) ?? 0) + micros)
    const fileKey = url || name
    files.set(fileKey, (files.get(fileKey) ?? 0) + micros)
  }
  const pct = (micros) => (total === 0 ? 0 : (micros / total) * 100)
  return {
    totalMs: total / 1000,
    functions: [...functions]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, micros]) => {
        const [name, where] = key.split('\u0000')
        return { name, where, selfMs: micros / 1000, percent: pct(micros) }
      }),
    files: [...files]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, micros]) => ({ where, selfMs: micros / 1000, percent: pct(micros) })),
  }
}

function shorten(url, root) {
  if (!url) return ''
  let path = url.replace(/^file:\/\//, '')
  if (root && path.startsWith(root)) path = path.slice(root.length).replace(/^\//, '')
  const modules = path.lastIndexOf('node_modules/')
  if (modules !== -1) path = path.slice(modules)
  return path
}
