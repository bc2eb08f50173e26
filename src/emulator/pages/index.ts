/**
 * The emulator's HTML pages: pure functions from a view model (see `views.ts`) to a complete
 * HTML document. Every page says that it is the wxauth emulator, not WeChat.
 * @module
 * @internal
 */
export { avatarSvg } from './avatar.js'
export { renderConsent } from './consent.js'
export { renderDemoCallback } from './demo-callback.js'
export { renderDenied } from './denied.js'
export { renderError } from './error.js'
export { renderHome } from './home.js'
export { renderOpenInWeChat } from './open-in-wechat.js'
export { qrSvg } from './qr.js'
export { renderQrConfirm } from './qr-confirm.js'
export { renderQrConnect } from './qr-connect.js'
export { renderSnapshot } from './snapshot.js'
export type * from './views.js'
