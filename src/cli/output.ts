import type { Writable } from 'node:stream'

/** Where a command writes, and whether it may use colour. */
export interface Output {
  out: Writable
  err: Writable
  color: boolean
}

/** Standard output and error; colour only on a TTY and without `NO_COLOR`. */
export function processOutput(): Output {
  const color =
    Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb'
  return { out: process.stdout, err: process.stderr, color }
}

const codes = {
  bold: [1, 22],
  dim: [2, 22],
  green: [32, 39],
  red: [31, 39],
  yellow: [33, 39],
  cyan: [36, 39],
}

/** Styles text with ANSI codes when the output allows colour. */
export function style(output: Output, name: keyof typeof codes, text: string): string {
  if (!output.color) return text
  const [open, close] = codes[name]
  return `\u001b[${open}m${text}\u001b[${close}m`
}

/** Writes one line to standard output. */
export function line(output: Output, text = ''): void {
  output.out.write(`${text}\n`)
}

/** Raised for a usage mistake; the CLI prints the message and exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}
