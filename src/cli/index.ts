#!/usr/bin/env node
/**
 * The `wxauth` command.
 *
 * @module
 */
import { VERSION } from '../client/version.js'
import { emulatorCommand } from './commands/emulator.js'
import { line, type Output, processOutput, UsageError } from './output.js'

const help = `Usage: wxauth <command> [options]

Commands:
  emulator   run a local WeChat emulator (wxauth emulator --help)

Options:
  -h, --help     show this help
  -v, --version  print the version`

type Command = (args: string[], output: Output, stop: AbortSignal) => Promise<number>

const commands: Record<string, Command> = { emulator: emulatorCommand }

/** Runs the CLI with the given arguments; resolves to the process exit code. */
export async function main(argv: string[], output: Output, stop: AbortSignal): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined) {
    output.err.write(`${help}\n`)
    return 2
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    line(output, help)
    return 0
  }
  if (name === '-v' || name === '--version') {
    line(output, VERSION)
    return 0
  }
  const command = commands[name]
  if (!command) {
    output.err.write(`wxauth: unknown command "${name}"\n\n${help}\n`)
    return 2
  }
  try {
    return await command(rest, output, stop)
  } catch (error) {
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    output.err.write(`wxauth ${name}: ${(error as Error).message}\n`)
    if (usage) output.err.write(`Run "wxauth ${name} --help" for usage.\n`)
    return usage ? 2 : 1
  }
}

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
