import { escapeHtml } from './html.js'

const COLORS = [
  '#07c160',
  '#10aeff',
  '#fa9d3b',
  '#6467f0',
  '#fa5151',
  '#1485ee',
  '#91d300',
  '#c87d2f',
  '#2bbfbf',
  '#b26bd6',
  '#e6507a',
  '#5c8a3a',
]

function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

function isShown(c: string): boolean {
  return c.trim() !== '' && !/\p{C}/u.test(c)
}

/**
 * A deterministic 132×132 SVG avatar (WeChat's default `headimgurl` size): a background colour
 * derived from `user.id` and the first visible character of the nickname, escaped.
 */
export function avatarSvg(user: { id: string; nickname: string }): string {
  const color = COLORS[hash(user.id) % COLORS.length]
  const chars = Array.from(user.nickname)
  const initial = (chars.find(isShown) ?? '?').toLocaleUpperCase()
  const label = escapeHtml(user.nickname.replace(/\p{Cc}/gu, '').trim() || user.id)
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="132" height="132" viewBox="0 0 132 132" role="img" aria-label="${label}">` +
    `<rect width="132" height="132" fill="${color}"/>` +
    `<text x="66" y="66" dy="0.35em" text-anchor="middle" fill="#fff" font-size="64" font-weight="600" font-family="system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif">${escapeHtml(initial)}</text>` +
    '</svg>'
  )
}
