import type { PageLang } from './negotiate.js'

/** A text in both page languages. */
export interface Bilingual {
  zh: string
  en: string
}

/** How a problem page looks: a red warning, an amber notice, or a blue piece of information. */
export type ProblemTone = 'warn' | 'notice' | 'info'

/** What the flow shows for one outcome code. */
export interface ProblemInfo {
  /** HTTP status of the page or JSON answer. */
  status: number
  tone: ProblemTone
  /** Short heading (also the document title). */
  title: Bilingual
  /** One sentence for a person; never a WeChat error message, never operator details. */
  message: Bilingual
}

/**
 * Every outcome the login flow can end in other than a session, with its texts and status.
 * The keys are stable: API clients and logs rely on them.
 */
export const PROBLEMS = {
  access_denied: {
    status: 200,
    tone: 'notice',
    title: { zh: '你已取消微信登录', en: 'Login cancelled' },
    message: {
      zh: '网站没有获得你的微信帐号信息。如需登录，请重试并在微信中点击“允许”。',
      en: 'You didn’t allow the WeChat login, so the site received no account information. To log in, try again and tap “Allow” in WeChat.',
    },
  },
  state_missing: {
    status: 400,
    tone: 'warn',
    title: { zh: '登录链接不完整', en: 'Incomplete login link' },
    message: {
      zh: '这个登录链接缺少必要的信息，可能在复制时被截断了。请重新登录。',
      en: 'This login link is missing information; it may have been cut off when it was copied. Please log in again.',
    },
  },
  state_invalid: {
    status: 400,
    tone: 'warn',
    title: { zh: '登录链接无效', en: 'Invalid login link' },
    message: {
      zh: '这个登录链接无效或被修改过。请重新登录。',
      en: 'This login link isn’t valid or has been altered. Please log in again.',
    },
  },
  state_mismatch: {
    status: 403,
    tone: 'warn',
    title: { zh: '请在同一个浏览器中完成登录', en: 'Finish logging in where you started' },
    message: {
      zh: '这次登录是在另一个浏览器中开始的。为了保护你的帐号，请在要使用的浏览器中重新登录。',
      en: 'This login was started in a different browser. To protect your account, please log in again in the browser you want to use.',
    },
  },
  state_expired: {
    status: 400,
    tone: 'notice',
    title: { zh: '登录已过期', en: 'Login expired' },
    message: {
      zh: '这次登录等待时间过长，或已经完成过。请重新登录。',
      en: 'This login took too long or has already been completed. Please log in again.',
    },
  },
  cookies_blocked: {
    status: 400,
    tone: 'warn',
    title: { zh: '浏览器没有保存登录信息', en: 'Your browser didn’t keep the login' },
    message: {
      zh: '请允许此网站使用 Cookie，或在微信内置浏览器中打开此页面，然后重试。',
      en: 'Allow cookies for this site, or open this page in WeChat’s built-in browser, then try again.',
    },
  },
  code_invalid: {
    status: 400,
    tone: 'warn',
    title: { zh: '登录没有完成', en: 'Login didn’t complete' },
    message: {
      zh: '微信没有确认这次登录，自动重试也没有成功。请重新登录。',
      en: 'WeChat didn’t confirm this login, and retrying automatically didn’t help. Please log in again.',
    },
  },
  code_reused: {
    status: 403,
    tone: 'warn',
    title: { zh: '登录链接已被使用', en: 'Login link already used' },
    message: {
      zh: '这个登录链接已经用过，不能再次使用。请重新登录。',
      en: 'This login link has already been used and can’t be used again. Please log in again.',
    },
  },
  snapshot_user: {
    status: 200,
    tone: 'info',
    title: { zh: '请先使用完整服务', en: 'Tap “Use full service” first' },
    message: {
      zh: '你正在微信的预览模式（快照页）中，无法登录。请点击微信页面底部的“使用完整服务”，然后重试。',
      en: 'You’re in WeChat’s preview mode (snapshot page), where logging in isn’t possible. Tap “使用完整服务” (Use full service) at the bottom of the WeChat page, then try again.',
    },
  },
  wechat_unavailable: {
    status: 502,
    tone: 'notice',
    title: { zh: '微信暂时无法响应', en: 'WeChat isn’t responding' },
    message: {
      zh: '微信登录服务暂时不可用，请过几分钟再试。',
      en: 'WeChat’s login service is temporarily unavailable. Please try again in a few minutes.',
    },
  },
  rate_limited: {
    status: 429,
    tone: 'notice',
    title: { zh: '操作过于频繁', en: 'Too many attempts' },
    message: {
      zh: '登录尝试次数过多，请稍后再试。',
      en: 'There have been too many login attempts. Please wait a while and try again.',
    },
  },
  misconfigured: {
    status: 500,
    tone: 'warn',
    title: { zh: '登录暂时无法使用', en: 'Login isn’t available' },
    message: {
      zh: '这是网站设置的问题，不是你的问题。请稍后再试，或联系网站客服。',
      en: 'This is a problem with the site’s setup, not with you. Please try again later or contact the site’s support.',
    },
  },
  login_rejected: {
    status: 403,
    tone: 'warn',
    title: { zh: '无法登录', en: 'Login not accepted' },
    message: {
      zh: '网站没有接受这个微信帐号的登录。如有疑问，请联系网站客服。',
      en: 'The site didn’t accept a login with this WeChat account. If you think this is a mistake, contact the site’s support.',
    },
  },
  store_unavailable: {
    status: 503,
    tone: 'notice',
    title: { zh: '服务暂时不可用', en: 'Service temporarily unavailable' },
    message: {
      zh: '网站暂时无法完成登录，请过几分钟再试。',
      en: 'The site can’t complete logins right now. Please try again in a few minutes.',
    },
  },
  busy: {
    status: 503,
    tone: 'notice',
    title: { zh: '登录人数过多', en: 'Too many logins right now' },
    message: {
      zh: '现在同时登录的人太多了，请过一分钟再试。',
      en: 'Too many people are logging in right now. Please try again in a minute.',
    },
  },
  not_configured: {
    status: 400,
    tone: 'info',
    title: { zh: '此处无法使用微信登录', en: 'WeChat login isn’t available here' },
    message: {
      zh: '这个网站不支持在当前设备或浏览器中使用微信登录，请换一个设备或浏览器再试。',
      en: 'This site doesn’t offer WeChat login on this device or browser. Please try another device or browser.',
    },
  },
  bad_request: {
    status: 400,
    tone: 'warn',
    title: { zh: '请求无效', en: 'Bad request' },
    message: {
      zh: '无法处理这个请求。请返回网站重新操作。',
      en: 'This request couldn’t be processed. Please go back to the site and try again.',
    },
  },
  method_not_allowed: {
    status: 405,
    tone: 'warn',
    title: { zh: '不支持此操作', en: 'Not allowed' },
    message: {
      zh: '这个地址不支持这种请求方式。请返回网站重新操作。',
      en: 'This address doesn’t accept this kind of request. Please go back to the site and try again.',
    },
  },
  cross_site: {
    status: 403,
    tone: 'warn',
    title: { zh: '已拦截来自其他网站的请求', en: 'Request from another site blocked' },
    message: {
      zh: '这个请求来自另一个网站，为了保护你的帐号，已被拦截。请直接在本网站中操作。',
      en: 'This request came from another website and was blocked to protect your account. Please use this site directly.',
    },
  },
  unauthenticated: {
    status: 401,
    tone: 'info',
    title: { zh: '尚未登录', en: 'Not logged in' },
    message: {
      zh: '你还没有登录，或登录已过期。',
      en: 'You’re not logged in, or your login has expired.',
    },
  },
} as const satisfies Record<string, ProblemInfo>

/** A stable outcome code, e.g. `state_mismatch`, `snapshot_user`. */
export type ProblemCode = keyof typeof PROBLEMS

/** Every outcome code, in a stable order. */
export const PROBLEM_CODES = Object.keys(PROBLEMS) as readonly ProblemCode[]

/** Whether `value` is one of the {@link PROBLEM_CODES}. */
export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === 'string' && Object.hasOwn(PROBLEMS, value)
}

/** The HTTP status for an outcome code. */
export function problemStatus(code: ProblemCode): number {
  return PROBLEMS[code].status
}

/** The JSON body API clients get: the stable code and a sentence for a person. */
export interface ProblemJson {
  error: ProblemCode
  message: string
}

/** The JSON body for an outcome code, the message in `lang`. */
export function problemJson(code: ProblemCode, lang: PageLang): ProblemJson {
  return { error: code, message: PROBLEMS[code].message[lang] }
}
