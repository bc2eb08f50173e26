/**
 * The emulator's default world: one app of each kind, all bound to one open-platform account (so
 * `unionid` appears), and a few users, one of them a snapshot (快照页) virtual user.
 */
import type { AppConfig, UserConfig } from './config.js'

// Hosts only, as WeChat configures them: a port in redirect_uri gets 10003 unless allowLocalPorts.
const localDomains = ['localhost', '127.0.0.1']
const openPlatform = 'demo-open-platform'

/** Default third-party platform (component). */
export const defaultComponent: Readonly<AppConfig> = Object.freeze({
  appId: 'wx7c4a2e9b1d3f6058',
  secret: '5e1b7c9d2a4f6083b1c5d7e9f0a2b4c6',
  kind: 'component',
  name: '示例第三方平台 (Demo Third-party Platform)',
  domains: localDomains,
  openPlatform: null,
})

/** Default official account (服务号): snsapi_base and snsapi_userinfo, authorizes the component. */
export const defaultOfficialAccount: Readonly<AppConfig> = Object.freeze({
  appId: 'wx5f1c3a9e2b7d4f60',
  secret: '9a3f5c7e1b2d4f6a8c0e2b4d6f8a1c3e',
  kind: 'official',
  name: '示例服务号 (Demo Official Account)',
  domains: localDomains,
  openPlatform,
  authorizedComponents: [defaultComponent.appId],
})

/** Default website app (网站应用): QR login with snsapi_login. */
export const defaultWebsiteApp: Readonly<AppConfig> = Object.freeze({
  appId: 'wx8d2e6b1f0c9a3e57',
  secret: '2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e0b',
  kind: 'website',
  name: '示例网站 (Demo Website)',
  domains: localDomains,
  openPlatform,
})

/** Default mini program (小程序): jscode2session. */
export const defaultMiniProgram: Readonly<AppConfig> = Object.freeze({
  appId: 'wx3b9f0e7c6a2d1845',
  secret: '7d9f1b3e5a7c9e1d3f5b7a9c1e3d5f7b',
  kind: 'miniprogram',
  name: '示例小程序 (Demo Mini Program)',
  domains: localDomains,
  openPlatform,
})

/** The default apps. */
export const defaultApps: readonly AppConfig[] = Object.freeze([
  defaultOfficialAccount,
  defaultWebsiteApp,
  defaultMiniProgram,
  defaultComponent,
])

/** The default users; `snapshot` is a snapshot-page virtual user. */
export const defaultUsers: readonly UserConfig[] = Object.freeze([
  {
    id: 'zhangsan',
    nickname: '张三',
    sex: 1,
    country: '中国',
    province: '广东',
    city: '深圳',
    language: 'zh_CN',
  },
  {
    id: 'lisi',
    nickname: '李四',
    sex: 2,
    country: '中国',
    province: '上海',
    city: '上海',
    language: 'zh_CN',
  },
  {
    id: 'wangwu',
    nickname: '王五',
    sex: 0,
    country: '中国',
    province: '北京',
    city: '北京',
    language: 'en',
  },
  { id: 'snapshot', nickname: '微信用户', sex: 0, language: 'zh_CN', snapshot: true },
] satisfies UserConfig[])
