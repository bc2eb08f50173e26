/**
 * The configuration an application reads, as `wxauth doctor` and `wxauth url` see it: environment
 * variables, optionally overridden by a JSON file with the same fields in camelCase.
 */
import { readJsonFile } from '../json-file.js'
import { UsageError } from '../output.js'

/** One configuration field: its environment variable, its JSON key and what it is. */
interface Field {
  env: string
  key: keyof DoctorConfig
  help: string
}

/** Every field, in the order `--help` lists them. */
export const fields: readonly Field[] = [
  {
    env: 'WECHAT_APP_ID',
    key: 'wechatAppId',
    help: 'official account (公众号/服务号) AppID: login inside WeChat',
  },
  { env: 'WECHAT_APP_SECRET', key: 'wechatAppSecret', help: 'its AppSecret' },
  {
    env: 'WECHAT_WEBSITE_APP_ID',
    key: 'wechatWebsiteAppId',
    help: 'website app (网站应用) AppID: QR login on desktop',
  },
  { env: 'WECHAT_WEBSITE_APP_SECRET', key: 'wechatWebsiteAppSecret', help: 'its AppSecret' },
  {
    env: 'WXAUTH_SECRET',
    key: 'wxauthSecret',
    help: 'sealing secret(s), 32+ characters, comma-separated, newest first',
  },
  { env: 'BASE_URL', key: 'baseUrl', help: 'public origin of the app, e.g. https://example.com' },
  {
    env: 'WXAUTH_BASE_PATH',
    key: 'wxauthBasePath',
    help: "wxauth's routes (default /auth/wechat)",
  },
  {
    env: 'WECHAT_API_BASE_URL',
    key: 'wechatApiBaseUrl',
    help: "API (default https://api.weixin.qq.com; the emulator's URL in development)",
  },
  {
    env: 'WECHAT_OPEN_BASE_URL',
    key: 'wechatOpenBaseUrl',
    help: "authorize pages (default https://open.weixin.qq.com; the emulator's URL)",
  },
  {
    env: 'WXAUTH_AUTHORIZED_DOMAIN',
    key: 'wxauthAuthorizedDomain',
    help: "the 网页授权域名 / 授权回调域 set in WeChat's console (optional)",
  },
  {
    env: 'REDIS_URL',
    key: 'redisUrl',
    help: 'redis[s]://[:password@]host[:port][/db] of the store (optional)',
  },
]

/** The configuration read; absent or empty values are `undefined`. */
export interface DoctorConfig {
  wechatAppId?: string | undefined
  wechatAppSecret?: string | undefined
  wechatWebsiteAppId?: string | undefined
  wechatWebsiteAppSecret?: string | undefined
  /** Comma-separated in the environment; a string or a list of strings in the file. */
  wxauthSecret?: string | undefined
  baseUrl?: string | undefined
  wxauthBasePath?: string | undefined
  wechatApiBaseUrl?: string | undefined
  wechatOpenBaseUrl?: string | undefined
  wxauthAuthorizedDomain?: string | undefined
  redisUrl?: string | undefined
}

/** Where each value came from, for messages: `WECHAT_APP_ID` or `"wechatAppId" in file.json`. */
export type Sources = Partial<Record<keyof DoctorConfig, string>>

/** The environment variable or file key a value came from (the variable when unset). */
export function sourceOf(sources: Sources, key: keyof DoctorConfig): string {
  return sources[key] ?? (fields.find((f) => f.key === key)?.env as string)
}

/** The `--help` lines that explain every variable. */
export function variablesHelp(): string {
  const width = Math.max(...fields.map((f) => f.env.length))
  return fields.map((f) => `  ${f.env.padEnd(width)}  ${f.help}`).join('\n')
}

/** Reads the environment, then the file (whose values win). */
export async function readConfig(
  env: NodeJS.ProcessEnv,
  file?: string,
): Promise<{ config: DoctorConfig; sources: Sources }> {
  const config: DoctorConfig = {}
  const sources: Sources = {}
  for (const { env: name, key } of fields) {
    const value = env[name]?.trim()
    if (value) {
      config[key] = value
      sources[key] = name
    }
  }
  if (file === undefined) return { config, sources }
  const json = await readJson(file)
  for (const [key, value] of Object.entries(json)) {
    const field = fields.find((f) => f.key === key)
    if (!field) {
      const byEnv = fields.find((f) => f.env === key)
      throw new UsageError(
        `${shownKey(key)} in ${file} is not a field${byEnv ? `; did you mean "${byEnv.key}"?` : ''} (fields: ${fields.map((f) => f.key).join(', ')})`,
      )
    }
    if (value === null || value === '') continue
    let text: string
    if (typeof value === 'string') text = value.trim()
    else if (
      key === 'wxauthSecret' &&
      Array.isArray(value) &&
      value.every((v) => typeof v === 'string')
    ) {
      text = value.join(',')
    } else {
      throw new UsageError(
        `"${key}" in ${file} must be a string${key === 'wxauthSecret' ? ' or a list of strings' : ''}`,
      )
    }
    config[field.key] = text
    sources[field.key] = `"${key}" in ${file}`
  }
  return { config, sources }
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  const json = await readJsonFile(path)
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UsageError(`--config ${path} must hold a JSON object such as {"baseUrl": "…"}`)
  }
  return json as Record<string, unknown>
}

/**
 * A key of the file as an error may show it: a name, or nothing when it has digits or symbols
 * (a value typed where a key belongs, perhaps a secret).
 */
function shownKey(key: string): string {
  return /^[A-Za-z_]{1,40}$/.test(key) ? `"${key}"` : 'a key (not shown: it may be a value)'
}

/** The sealing secrets: comma-separated, blanks dropped. */
export function secretsOf(config: DoctorConfig): string[] {
  return (config.wxauthSecret ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/** The base path, defaulting like `createWxAuth`. */
export function basePathOf(config: DoctorConfig): string {
  return config.wxauthBasePath ?? '/auth/wechat'
}
