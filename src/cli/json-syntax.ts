/**
 * Where a JSON text stops being JSON, told by line and column and in words, never by quoting it:
 * `JSON.parse`'s own messages quote the text around the error, which may be part of a secret.
 */

/** The first syntax error of a JSON text: 1-based line and column, and what is wrong there. */
export interface JsonSyntaxError {
  line: number
  column: number
  problem: string
}

class Stop {
  constructor(
    readonly at: number,
    readonly problem: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const HEX4 = /[0-9a-fA-F]{4}/y

/** The first syntax error of `text`, or `undefined` when it is JSON (or too deep to tell). */
export function findJsonError(text: string): JsonSyntaxError | undefined {
  try {
    new Scanner(text).document()
    return undefined
  } catch (error) {
    if (!(error instanceof Stop)) return undefined
    const before = text.slice(0, error.at)
    const line = before.split('\n').length
    const column = error.at - before.lastIndexOf('\n')
    return { line, column, problem: error.problem }
  }
}

class Scanner {
  #i = 0

  constructor(readonly text: string) {}

  document(): void {
    this.value()
    this.space()
    if (this.#i < this.text.length) this.fail('more after the JSON value (a file holds one value)')
  }

  fail(problem: string, at = this.#i): never {
    throw new Stop(at, at >= this.text.length ? 'the file ends too early' : problem)
  }

  space(): void {
    while (/[ \t\n\r]/.test(this.text[this.#i] ?? '')) this.#i++
  }

  value(): void {
    this.space()
    const c = this.text[this.#i]
    if (c === '{' || c === '[') this.container(c === '{' ? '}' : ']')
    else if (c === '"') this.string()
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.number()
    else {
      const word = ['true', 'false', 'null'].find((w) => this.text.startsWith(w, this.#i))
      if (word) this.#i += word.length
      else if (c === "'") this.fail('a string in single quotes (JSON takes double quotes)')
      else this.fail('an unexpected character where a value should be (a "string", number, …)')
    }
  }

  /** An object (`}`: each entry a key, a colon and a value) or an array (`]`). */
  container(close: '}' | ']'): void {
    this.#i++
    this.space()
    if (this.text[this.#i] === close) {
      this.#i++
      return
    }
    for (;;) {
      this.space()
      const c = this.text[this.#i]
      if (c === close) this.fail(`a comma before "${close}" (JSON allows no trailing comma)`)
      if (close === '}') {
        if (c === "'") this.fail('a key in single quotes (JSON takes double quotes)')
        if (c !== '"') this.fail('an unexpected character where a "key" should be')
        this.string()
        this.space()
        if (this.text[this.#i] !== ':') this.fail('a missing ":" after a key')
        this.#i++
      }
      this.value()
      this.space()
      const next = this.text[this.#i]
      this.#i++
      if (next === close) return
      if (next !== ',') this.fail(`a missing "," or "${close}" after a value`, this.#i - 1)
    }
  }

  string(): void {
    const start = this.#i
    this.#i++
    for (;;) {
      const c = this.text[this.#i]
      if (c === undefined) this.fail('a string that is never closed', start)
      if (c === '"') {
        this.#i++
        return
      }
      if (c < ' ') this.fail('a line break or control character inside a string')
      if (c === '\\') {
        const escaped = this.text[this.#i + 1]
        if (escaped === 'u') {
          HEX4.lastIndex = this.#i + 2
          if (!HEX4.test(this.text)) this.fail('a \\u escape without 4 hex digits')
          this.#i += 6
          continue
        }
        if (escaped === undefined || !'"\\/bfnrt'.includes(escaped)) {
          this.fail('an unknown escape (a backslash is written \\\\)')
        }
        this.#i += 2
        continue
      }
      this.#i++
    }
  }

  number(): void {
    NUMBER.lastIndex = this.#i
    const m = NUMBER.exec(this.text)
    if (!m) this.fail('an invalid number')
    this.#i += m[0].length
  }
}
