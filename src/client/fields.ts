import type { Endpoint } from './endpoints.js'
import { invalid, type WeChatBody } from './http.js'

/**
 * Reads typed fields from a WeChat body, each failure naming the field.
 * @internal
 */
export class FieldReader {
  constructor(
    private readonly endpoint: Endpoint,
    private readonly response: WeChatBody,
  ) {}

  private fail(field: string, expected: string): never {
    throw invalid(this.endpoint, this.response.status, `"${field}" must be ${expected}`)
  }

  requiredString(field: string): string {
    const value = this.response.body[field]
    if (typeof value !== 'string' || value === '') this.fail(field, 'a non-empty string')
    return value
  }

  optionalString(field: string): string | undefined {
    const value = this.response.body[field]
    if (value === undefined || value === null || value === '') return undefined
    if (typeof value !== 'string') this.fail(field, 'a string')
    return value
  }

  /** A string that WeChat may leave out or send empty (profile fields). */
  text(field: string): string {
    return this.optionalString(field) ?? ''
  }

  positiveNumber(field: string): number {
    const value = this.response.body[field]
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      this.fail(field, 'a positive number')
    }
    return value
  }

  /** An integer sent as a number or a numeric string; `fallback` when absent. */
  integer(field: string, fallback: number): number {
    const value = this.response.body[field]
    if (value === undefined || value === null || value === '') return fallback
    const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value
    if (typeof number !== 'number' || !Number.isInteger(number)) this.fail(field, 'an integer')
    return number
  }

  stringArray(field: string): string[] {
    const value = this.response.body[field]
    if (value === undefined || value === null) return []
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      this.fail(field, 'an array of strings')
    }
    return value
  }
}
