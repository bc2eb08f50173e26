// Points wechat-oauth (node-webot) at the emulator: its request method and authorize links carry
// WeChat's hosts, rewritten here to the emulator's URL. Used by the wechat-oauth and passport-wechat
// contenders (passport-wechat uses the same wechat-oauth module internally).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** wechat-oauth's OAuth class, patched so that every instance talks to `emulatorUrl`. */
export function patchWeChatOAuth(emulatorUrl, { keepAlive = true } = {}) {
  const OAuth = require('wechat-oauth')
  const { request, getAuthorizeURL, getAuthorizeURLForWebsite } = OAuth.prototype
  const rewrite = (url) =>
    url
      .replace('https://api.weixin.qq.com', emulatorUrl)
      .replace('https://open.weixin.qq.com', emulatorUrl)
  // urllib 2 (wechat-oauth's HTTP client) opens a new connection per call unless given an agent.
  const agent = keepAlive ? new (require('node:http').Agent)({ keepAlive: true }) : undefined
  OAuth.prototype.request = function (url, opts, callback) {
    if (agent && typeof opts === 'object') opts = { agent, ...opts }
    return request.call(this, rewrite(url), opts, callback)
  }
  OAuth.prototype.getAuthorizeURL = function (...args) {
    return rewrite(getAuthorizeURL.apply(this, args))
  }
  OAuth.prototype.getAuthorizeURLForWebsite = function (...args) {
    return rewrite(getAuthorizeURLForWebsite.apply(this, args))
  }
  return OAuth
}
