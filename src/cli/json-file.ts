/**
 * Reads the JSON file of a `--config` flag. Its errors name the file, and the line and column of a
 * syntax error, but never quote it: a configuration file holds secrets.
 */
import { readFile } from 'node:fs/promises'
import { findJsonError } from './json-syntax.js'
import { UsageError } from './output.js'

/** Reads and parses `path`; a missing file or a syntax error is a {@link UsageError}. */
export async function readJsonFile(path: string, flag = '--config'): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${path}: ${(error as Error).message}`)
  }
  // Editors on Windows may save a byte-order mark, which JSON.parse refuses.
  if (text.startsWith('\uFEFF')) text = text.slice(1)
  try {
    return JSON.parse(text)
  } catch {
    // Not JSON.parse's message: it quotes the text around the error.
    const error = findJsonError(text)
    const where = error ? `: ${error.problem} at line ${error.line}, column ${error.column}` : ''
    throw new UsageError(`${flag} ${path} is not valid JSON${where}`)
  }
}
