// A minimal upstream speaking WeChat's wire format for sns/oauth2/access_token and sns/userinfo,
// with canned answers and no checks: what "a local upstream" costs at the least, so that a
// client's own cost shows. Started by startStubUpstream() in ./emulator.mjs; exits with its parent.
import { createServer } from 'node:http'

const openid = 'oLVPpjqs9BhvzwPj5A-vTYAX3GLc'
const token = JSON.stringify({
  access_token:
    '86_2wx0bpTnxNnP5XEj1HhYbZ0gWQ8i3IuKdAZwM1H0sHgRtNkW6pTHLz7fJFqWy4mLK5cE_Gf0hQ3SN2hGZm-3oW-0DFpY',
  expires_in: 7200,
  refresh_token:
    '86_kzVnB8nM4pJ4eGtyUoQ2wKXbJ3rsl0Qf7Pi6tRhQvTSe1Lm-9oRdZ2cPWxHaFnGs4jEtYb8kU5MqVz0LyNpDi7fXgw',
  openid,
  scope: 'snsapi_userinfo',
  is_snapshotuser: 0,
  unionid: 'o6_bmasdasdsad6_2sgVt7hMZOPfL',
})
const user = JSON.stringify({
  openid,
  nickname: '张三',
  sex: 1,
  language: 'zh_CN',
  city: '深圳',
  province: '广东',
  country: '中国',
  headimgurl:
    'https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132',
  privilege: [],
  unionid: 'o6_bmasdasdsad6_2sgVt7hMZOPfL',
})
const headers = { 'content-type': 'text/plain', connection: 'keep-alive' }
let requests = 0

const server = createServer((req, res) => {
  requests++
  const body = req.url.startsWith('/sns/userinfo') ? user : token
  res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(body) })
  res.end(body)
})
server.keepAliveTimeout = 5_000
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address()
  process.send({ type: 'ready', url: `http://127.0.0.1:${port}`, pid: process.pid })
})
const ops = {
  codes: ({ count }) =>
    Array.from({ length: count }, (_, i) => `0a1B${String(i).padStart(28, '0')}`),
  cpu: () => process.cpuUsage(),
  requests: () => requests,
}
process.on('message', ({ id, op, args }) => {
  const handler = ops[op]
  if (handler) process.send({ id, ok: true, value: handler(args ?? {}) })
  else process.send({ id, ok: false, error: `unknown op ${op}` })
})
process.on('disconnect', () => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
})
