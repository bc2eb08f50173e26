/** Markup that is already safe to place in a document as-is. */
export class SafeHtml {
  readonly value: string
  constructor(value: string) {
    this.value = value
  }
  toString(): string {
    return this.value
  }
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for use in HTML (and XML) text and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c)
}

/** Marks trusted markup (never user input) so that {@link html} inserts it unescaped. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup)
}

/** A value {@link html} accepts: text is escaped, {@link SafeHtml} is kept, lists are joined, nullish and `false` vanish. */
export type HtmlValue =
  | SafeHtml
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly HtmlValue[]

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  if (value === null || value === undefined || value === false) return ''
  return escapeHtml(String(value))
}

/** Tagged template that escapes every interpolated value unless it is {@link SafeHtml}. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '')
  return new SafeHtml(out)
}

/**
 * A URL for an `href`, `src` or `action` attribute: relative, `http:` and `https:` URLs pass,
 * any other scheme (`javascript:`, `data:`, …) becomes `#`. Still escape it (as {@link html} does).
 */
export function safeUrl(url: string): string {
  // Browsers drop ASCII whitespace and control characters inside a scheme: "java\tscript:" runs.
  let squeezed = ''
  for (const c of url) if (c > ' ' && c !== '\u007f') squeezed += c
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(squeezed)?.[1]?.toLowerCase()
  return scheme === undefined || scheme === 'http' || scheme === 'https' ? url : '#'
}
