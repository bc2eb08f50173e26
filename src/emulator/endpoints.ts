/** The WeChat endpoints the emulator serves, by the names tests use for counts and faults. */

/** Names of the WeChat endpoints (their path without the leading slash). */
export const endpointNames = [
  'sns/oauth2/access_token',
  'sns/oauth2/refresh_token',
  'sns/auth',
  'sns/userinfo',
  'sns/oauth2/component/access_token',
  'sns/oauth2/component/refresh_token',
  'sns/jscode2session',
  'cgi-bin/component/api_component_token',
  'connect/oauth2/authorize',
  'connect/qrconnect',
] as const

/** One of {@link endpointNames}. */
export type EndpointName = (typeof endpointNames)[number]

/** Whether `value` names an endpoint. */
export function isEndpointName(value: unknown): value is EndpointName {
  return typeof value === 'string' && (endpointNames as readonly string[]).includes(value)
}

/** The endpoints that answer with HTML pages and redirects rather than JSON. */
export function isPageEndpoint(name: EndpointName): boolean {
  return name.startsWith('connect/')
}
