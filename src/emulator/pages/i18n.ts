import type { AppView, PageLang } from './views.js'

/** A text in both page languages. */
export interface Bilingual {
  zh: string
  en: string
}

/** Picks every entry of a bilingual table in the page language. */
export function texts<K extends string>(
  lang: PageLang,
  table: Record<K, Bilingual>,
): Record<K, string> {
  const out = {} as Record<K, string>
  for (const key of Object.keys(table) as K[]) out[key] = table[key][lang]
  return out
}

const KINDS: Record<AppView['kind'], Bilingual> = {
  official: { zh: '公众号', en: 'Official Account' },
  website: { zh: '网站应用', en: 'Website app' },
  miniprogram: { zh: '小程序', en: 'Mini Program' },
  component: { zh: '第三方平台', en: 'Third-party platform' },
}

/** The app kind as WeChat's console names it. */
export function kindLabel(lang: PageLang, kind: AppView['kind']): string {
  return KINDS[kind][lang]
}

/** The value of the `lang` attribute on `<html>`. */
export function htmlLang(lang: PageLang): string {
  return lang === 'zh' ? 'zh-CN' : 'en'
}
