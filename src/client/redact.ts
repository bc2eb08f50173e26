import { SECRET_PARAMS } from './endpoints.js'

/** What secrets are replaced with. */
export const REDACTED = '[REDACTED]'

const PARAM_PATTERN = new RegExp(`\\b(${SECRET_PARAMS.join('|')})=[^&\\s#"'<>]*`, 'gi')

/**
 * Removes secrets from a piece of text: every occurrence of a known secret value, and the value of
 * every secret query parameter (`secret=…`, `code=…`, `access_token=…`, …).
 * @internal
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED)
  }
  return out.replace(PARAM_PATTERN, `$1=${REDACTED}`)
}

/** Redacts the secret parameters of a URL, for logs. @internal */
export function redactUrl(url: URL | string): string {
  const u = new URL(url)
  for (const name of SECRET_PARAMS) {
    if (u.searchParams.has(name)) u.searchParams.set(name, REDACTED)
  }
  return u.href.replaceAll(encodeURIComponent(REDACTED), REDACTED)
}

/**
 * A copy of a thrown value that keeps its name, message, code and stack, and its causes, with every
 * secret removed. Errors from HTTP stacks may quote the request URL, which carries the secret.
 * @internal
 */
export function sanitizeError(value: unknown, secrets: readonly string[], depth = 0): Error {
  const source = value instanceof Error ? value : new Error(String(value))
  const copy = new Error(redactText(source.message, secrets))
  copy.name = source.name
  copy.stack = source.stack === undefined ? undefined : redactText(source.stack, secrets)
  const fields = source as unknown as Record<string, unknown>
  for (const key of ['code', 'errno', 'syscall']) {
    const field = fields[key]
    if (typeof field === 'string' || typeof field === 'number') {
      Object.defineProperty(copy, key, { value: field, enumerable: true })
    }
  }
  if (source.cause !== undefined && depth < 4) {
    copy.cause = sanitizeError(source.cause, secrets, depth + 1)
  }
  return copy
}
