// libsql hands text to SQLite through Rust strings: a NUL ends the text and a lone surrogate
// becomes U+FFFD, so distinct keys would collide and values would change. Such strings are stored
// as a BLOB of their UTF-16 code units instead. TEXT never equals a BLOB, so the mapping stays
// one-to-one, and everything else (all that wxauth writes) stays readable TEXT.
const LOSSY = /\0|\p{Cs}/u

/** `text` as a value SQLite keeps exactly. @internal */
export function toSql(text: string): string | Buffer {
  return LOSSY.test(text) ? Buffer.from(text, 'utf16le') : text
}

/** The string that {@link toSql} stored, or `undefined` for anything else. @internal */
export function fromSql(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf16le')
  }
  return undefined
}
