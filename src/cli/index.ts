/**
 * The `wxauth` command, as a function: `bin.ts` runs it for the process.
 *
 * @module
 */
import { VERSION } from '../client/version.js'
import { emulatorCommand } from './commands/emulator.js'
import { line, type Output, UsageError } from './output.js'

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
