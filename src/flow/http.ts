/**
 * The flow's own request and response: the few parts of HTTP its routes use. The Web `handle()`
 * converts at the edges; the node:http adapters build and write them directly, without a Web
 * `Request`, `Headers` or `Response` (and their streams and signals) for every hit.
 * @module
 */

/** Reads one header by its lower-case name; `null` when absent. A Web `Headers` is one. @internal */
export interface HeaderReader {
  get(name: string): string | null
}

/** What the routes read of a request. @internal */
export interface FlowRequest {
  /** Upper-case method. */
  readonly method: string
  /** The URL on the app's public origin, path and query as sent. */
  readonly url: URL
  readonly headers: HeaderReader
}

/** A route's answer. @internal */
export interface FlowResponse {
  status: number
  /** Header pairs in order; `Set-Cookie` may repeat. */
  headers: [name: string, value: string][]
  body: string | null
}

/** A Web `Request` as a {@link FlowRequest}; its URL is parsed on first use. @internal */
export function fromWebRequest(request: Request): FlowRequest {
  let url: URL | undefined
  return {
    method: request.method,
    get url() {
      url ??= new URL(request.url)
      return url
    },
    headers: request.headers,
  }
}

/** A {@link FlowResponse} as a Web `Response`. @internal */
export function toWebResponse(response: FlowResponse): Response {
  const headers = new Headers()
  for (const [name, value] of response.headers) headers.append(name, value)
  return new Response(response.body, { status: response.status, headers })
}

/** The response's headers named `name` (any case). @internal */
export function headerValues(response: FlowResponse, name: string): string[] {
  const lower = name.toLowerCase()
  return response.headers.filter(([n]) => n.toLowerCase() === lower).map(([, value]) => value)
}
