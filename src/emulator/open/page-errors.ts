/** The authorize-page error codes (reference §2.3): WeChat's Chinese text, its English, a hint in both. */
import type { Bilingual } from '../pages/i18n.js'

/** One page error: what the page says (WeChat's own words in Chinese) and a developer hint. */
export interface PageErrorText {
  zh: string
  en: string
  hint?: Bilingual
}

/** WeChat's page error codes as the authorize and qrconnect pages show them. */
export const pageErrors: Readonly<Record<number, PageErrorText>> = Object.freeze({
  10003: {
    zh: 'redirect_uri域名与后台配置不一致',
    en: 'The redirect_uri domain does not match the callback domain configured for this app.',
    hint: {
      zh: 'redirect_uri 的主机必须与授权域名完全一致（子域名不算），而且微信不接受其中带端口。在模拟器中，应用域名写成 host:port 允许该端口，写成 host:* 允许任意端口，allowLocalPorts 则允许 localhost 上的任意端口。',
      en: 'The redirect_uri host must equal an authorized domain exactly (subdomains do not count), and WeChat refuses any port in it. In the emulator an app domain host:port allows that port, host:* any port, and allowLocalPorts any port on localhost.',
    },
  },
  10004: { zh: '此公众号被封禁', en: 'This official account is banned.' },
  10005: {
    zh: '此公众号并没有这些scope的权限',
    en: 'This app has no permission for the requested scope.',
    hint: {
      zh: 'connect/oauth2/authorize 使用公众号的 appid 和 snsapi_base 或 snsapi_userinfo；connect/qrconnect 使用网站应用的 appid 和 snsapi_login。',
      en: 'connect/oauth2/authorize takes snsapi_base or snsapi_userinfo with an official account appid; connect/qrconnect takes snsapi_login with a website app appid.',
    },
  },
  10006: { zh: '必须关注此测试号', en: 'You must follow this test account first.' },
  10009: {
    zh: '操作太频繁了，请稍后重试',
    en: 'Too many requests; try again later.',
    hint: {
      zh: '微信对授权页限频，请稍等再试。',
      en: 'WeChat rate-limits the authorize page; wait before retrying.',
    },
  },
  10010: {
    zh: 'scope不能为空',
    en: 'The scope parameter is missing.',
    hint: {
      zh: '请传 scope=snsapi_base 或 scope=snsapi_userinfo（扫码登录为 snsapi_login）。',
      en: 'Pass scope=snsapi_base or scope=snsapi_userinfo (qrconnect: snsapi_login).',
    },
  },
  10011: {
    zh: 'redirect_uri不能为空',
    en: 'The redirect_uri parameter is missing.',
    hint: {
      zh: '请把 URL 编码后的回调地址作为 redirect_uri 传入。',
      en: 'Pass the URL-encoded callback URL as redirect_uri.',
    },
  },
  10012: {
    zh: 'appid不能为空',
    en: 'The appid parameter is missing.',
    hint: {
      zh: '请把应用的 appid 作为第一个参数传入。',
      en: 'Pass the app’s appid as the first parameter.',
    },
  },
  10013: { zh: 'state不能为空', en: 'The state parameter is missing.' },
  10015: {
    zh: '公众号未授权第三方平台，请检查授权状态',
    en: 'The official account has not authorized this third-party platform (component_appid).',
    hint: {
      zh: 'component_appid 必须是此公众号已授权的第三方平台（模拟器配置中的 authorizedComponents）。',
      en: 'component_appid must be a third-party platform that this official account authorized (authorizedComponents in the emulator config).',
    },
  },
  10016: {
    zh: '不支持微信开放平台的Appid，请使用公众号Appid',
    en: 'Open-platform (website/mobile app) appids are not supported here; use an official account appid.',
    hint: {
      zh: '网站应用用 connect/qrconnect 和 snsapi_login 扫码登录；connect/oauth2/authorize 用于微信内的公众号。',
      en: 'Website apps log in with connect/qrconnect and scope snsapi_login; connect/oauth2/authorize is for official accounts inside WeChat.',
    },
  },
})

/** The generic page WeChat shows for a malformed link. */
export const genericPageError: PageErrorText = {
  zh: '该链接无法访问',
  en: 'This link cannot be opened.',
}
