/** The JSON syntax locator agrees with JSON.parse: no error for JSON, a line and column otherwise. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { findJsonError } from '../../src/cli/json-syntax.js'

const parses = (text: string) => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

describe('findJsonError', () => {
  it('finds nothing in JSON', () => {
    fc.assert(fc.property(fc.json(), (text) => findJsonError(text) === undefined))
  })

  it('locates every text JSON.parse refuses, inside the text', () => {
    const nearlyJson = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', "'", '\n', '\\', '"', 'x', '01'))
      .map(([text, at, insert]) => {
        const i = at % (text.length + 1)
        return text.slice(0, i) + insert + text.slice(i)
      })
    fc.assert(
      fc.property(fc.oneof(nearlyJson, fc.string()), (text) => {
        const error = findJsonError(text)
        if (parses(text)) return error === undefined
        if (!error) return false
        const lines = text.split('\n')
        return (
          error.line <= lines.length && error.column <= (lines[error.line - 1]?.length ?? 0) + 1
        )
      }),
    )
  })

  it('names the line and column of common mistakes', () => {
    expect(findJsonError('{\n  "a": \'b\'\n}')).toEqual({
      line: 2,
      column: 8,
      problem: 'a string in single quotes (JSON takes double quotes)',
    })
    expect(findJsonError('{"a": 1,}')?.problem).toMatch(/trailing comma/)
    expect(findJsonError('{"a": 1')?.problem).toBe('the file ends too early')
    expect(findJsonError('[1, 2] 3')?.problem).toMatch(/more after the JSON value/)
  })
})
