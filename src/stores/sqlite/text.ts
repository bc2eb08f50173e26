// libsql cuts text at its first NUL: values with a NUL, and lock names (which contain one), are
// stored as a BLOB of their UTF-16 code units instead. TEXT never equals a BLOB, so the mapping
// stays one-to-one, and everything else (all that wxauth writes) stays readable TEXT. Lone
// surrogates, which libsql would turn into U+FFFD, never get here: the stores reject strings that
// are not well-formed UTF-16.

/** `text` as a value SQLite keeps exactly. @internal */
export function toSql(text: string): string | Buffer {
  return text.includes('\0') ? Buffer.from(text, 'utf16le') : text
}

/** The string that {@link toSql} stored, or `undefined` for anything else. @internal */
export function fromSql(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf16le')
  }
  return undefined
}
