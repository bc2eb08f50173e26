/** The doctor's checklist lines: ✓ / ! / ✗ on a colour terminal, `[ok]` / `[warn]` / `[fail]` otherwise. */
import { line, type Output, style } from '../output.js'

/** `skip`: not checked (nothing to check, or it needs `--live`); never a problem. */
export type Status = 'ok' | 'warn' | 'fail' | 'skip'

/** One checked item. */
export interface Check {
  status: Status
  /** One line: what was checked and what was found. */
  title: string
  /** Why it matters, when there is a problem. */
  why?: string
  /** What to do about it. */
  fix?: string
}

const marks: Record<
  Status,
  { symbol: string; plain: string; color: 'green' | 'yellow' | 'red' | 'dim' }
> = {
  ok: { symbol: '✓', plain: '[ok]  ', color: 'green' },
  warn: { symbol: '!', plain: '[warn]', color: 'yellow' },
  fail: { symbol: '✗', plain: '[fail]', color: 'red' },
  skip: { symbol: '-', plain: '[skip]', color: 'dim' },
}

/** Counts what was printed, for the summary and the exit code. */
export class Report {
  readonly counts: Record<Status, number> = { ok: 0, warn: 0, fail: 0, skip: 0 }
  #pending = false

  constructor(readonly output: Output) {}

  /** A section heading. */
  section(title: string): void {
    line(this.output)
    line(this.output, style(this.output, 'bold', title))
  }

  /** Shows what is being checked while it runs (on a terminal only; replaced by the result). */
  progress(what: string): void {
    if (!this.output.color) return
    this.output.out.write(style(this.output, 'dim', `  … ${what}`))
    this.#pending = true
  }

  /** Prints one check at once. */
  add(check: Check): void {
    if (this.#pending) {
      this.output.out.write('\r\u001b[K')
      this.#pending = false
    }
    this.counts[check.status]++
    const mark = marks[check.status]
    const tag = style(this.output, mark.color, this.output.color ? mark.symbol : mark.plain)
    line(this.output, `  ${tag} ${check.title}`)
    const indent = this.output.color ? '    ' : '         '
    if (check.why) line(this.output, `${indent}${check.why}`)
    if (check.fix) line(this.output, `${indent}${style(this.output, 'cyan', 'fix:')} ${check.fix}`)
  }

  /** Runs a slow check with a progress note, then prints it. */
  async run(what: string, check: () => Promise<Check>): Promise<Check> {
    this.progress(what)
    const result = await check()
    this.add(result)
    return result
  }
}
