/**
 * The login flow's own pages and responses, for the real users of a website: QR and
 * "open in WeChat" guidance, problem pages for every outcome code (HTML in Chinese and English,
 * or JSON for API clients), and the headers every flow response carries.
 * @module
 */
export { absoluteHttpUrl, COPY_SCRIPT, COPY_SCRIPT_HASH, PAGE_CSP, qrCodeSvg } from './layout.js'
export { type PageLang, pageLang, wantsJson } from './negotiate.js'
export {
  type BaseView,
  type OpenInWeChatView,
  type ProblemView,
  renderOpenInWeChat,
  renderProblem,
  renderScanQr,
  renderSnapshot,
  renderWeCom,
  type ScanQrView,
  type SnapshotView,
  type WeComView,
} from './pages.js'
export {
  type Bilingual,
  isProblemCode,
  PROBLEM_CODES,
  PROBLEMS,
  type ProblemCode,
  type ProblemInfo,
  type ProblemJson,
  type ProblemTone,
  problemJson,
  problemStatus,
} from './problems.js'
export {
  htmlResponse,
  jsonResponse,
  type ProblemResponseOptions,
  problemResponse,
} from './respond.js'
