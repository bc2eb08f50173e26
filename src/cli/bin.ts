#!/usr/bin/env node
import { main } from './index.js'
import { processOutput } from './output.js'

// A closed pipe (`wxauth emulator | head -1`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
}

const controller = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => controller.abort())
}
main(process.argv.slice(2), processOutput(), controller.signal).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`wxauth: ${(error as Error).stack ?? String(error)}\n`)
    process.exitCode = 1
  },
)
