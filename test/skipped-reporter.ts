import type { UserConsoleLog } from 'vitest'
import type { Reporter } from 'vitest/node'

/**
 * Starts the console line a test file writes when it skips for want of something on the machine
 * (`test/helpers/requirements.ts`); the rest of the line is a {@link Skip} as JSON.
 */
export const SKIPPED_MARK = '[wxauth:skipped] '

/** What was missing, for which tests, and how to get it. */
export interface Skip {
  tests: string
  missing: string
  install: string
}

/** For vitest's `onConsoleLog`: the reporters print no skip notes, this one sums them up. */
export function hideSkipNotes(log: string): false | undefined {
  return log.startsWith(SKIPPED_MARK) ? false : undefined
}

/**
 * Prints one line for the whole run, before the closing `Tests:` line, saying which tests were
 * skipped because something was missing and how to install it, instead of a warning per file.
 */
export default class SkippedReporter implements Reporter {
  readonly #skips = new Map<string, { skip: Skip; files: Set<string> }>()

  onUserConsoleLog(log: UserConsoleLog): void {
    if (!log.content.startsWith(SKIPPED_MARK)) return
    const skip = JSON.parse(log.content.slice(SKIPPED_MARK.length)) as Skip
    const entry = this.#skips.get(skip.missing) ?? { skip, files: new Set<string>() }
    entry.files.add(log.taskId ?? '')
    this.#skips.set(skip.missing, entry)
  }

  onTestRunEnd(): void {
    if (this.#skips.size === 0) return
    const parts = [...this.#skips.values()].map(({ skip, files }) => {
      const where = `${files.size} file${files.size === 1 ? '' : 's'}`
      return `${skip.tests} in ${where} (${skip.missing}; ${skip.install})`
    })
    process.stdout.write(
      `\nSkipped for what this machine lacks: ${parts.join(', ')}. With CI=true these fail instead.\n`,
    )
  }
}
