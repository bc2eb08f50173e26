/**
 * The `wxauth` command, as a function: `bin.ts` runs it for the process.
 *
 * @module
 */
import { VERSION } from '../client/version.js'
import { devCommand } from './commands/dev.js'
import { doctorCommand } from './commands/doctor.js'
import { emulatorCommand } from './commands/emulator.js'
import { urlCommand } from './commands/url.js'
import { line, type Output, UsageError } from './output.js'

const help = `Usage: wxauth <command> [options]

Commands:
  dev        run the emulator and an example app, ready to log in (wxauth dev --help)
  doctor     check the configuration and predict WeChat's errors (wxauth doctor --help)
  emulator   run a local WeChat emulator (wxauth emulator --help)
  url        print an authorize link and its QR code (wxauth url --help)

Options:
  -h, --help     show this help
  -v, --version  print the version`

type Command = (args: string[], output: Output, stop: AbortSignal) => Promise<number>

const commands: Record<string, Command> = {
  dev: devCommand,
  doctor: doctorCommand,
  emulator: emulatorCommand,
  url: urlCommand,
}

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
    const code = (error as { code?: string }).code
    const usage = error instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS')
    // parseArgs quotes a stray argument, which may be a secret typed without its option.
    const message =
      code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
        ? 'unexpected argument (not shown: it may be a value); this command takes options only'
        : (error as Error).message
    output.err.write(`wxauth ${name}: ${message}\n`)
    if (usage) output.err.write(`Run "wxauth ${name} --help" for usage.\n`)
    return usage ? 2 : 1
  }
}
