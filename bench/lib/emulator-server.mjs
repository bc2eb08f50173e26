// The wxauth emulator in a process of its own, so that load from another process does not share
// its core. Started by startEmulator() in ./emulator.mjs over an IPC channel; exits when the parent
// goes away. Options (createEmulator's) come as JSON in argv[2].
import { createEmulator } from 'wxauth/emulator'

const options = JSON.parse(process.argv[2] ?? '{}')
const { autoApprove, ...emulatorOptions } = options
const emu = createEmulator(emulatorOptions)
if (autoApprove) emu.autoApprove(autoApprove)
const info = await emu.listen({ host: '127.0.0.1', port: 0 })

const ops = {
  // Codes as if each user had just authorized the app; users taken in turn.
  codes: ({ appId, users, count, scope }) => {
    const codes = new Array(count)
    for (let i = 0; i < count; i++) {
      const opts = { appId, user: users[i % users.length] }
      if (scope) opts.scope = scope
      codes[i] = emu.issueCode(opts)
    }
    return codes
  },
  cpu: () => process.cpuUsage(),
  memory: () => process.memoryUsage(),
  count: ({ endpoint }) => emu.count(endpoint),
  autoApprove: ({ user }) => emu.autoApprove(user ?? null),
  advance: ({ seconds }) => emu.clock.advance(seconds),
  fail: ({ endpoint, fault, times }) => emu.fail(endpoint, fault, times),
  reset: () => emu.reset(),
}

process.on('message', (message) => {
  const { id, op, args } = message
  try {
    const handler = ops[op]
    if (!handler) throw new Error(`unknown emulator op ${op}`)
    process.send({ id, ok: true, value: handler(args ?? {}) })
  } catch (error) {
    process.send({ id, ok: false, error: String(error?.message ?? error) })
  }
})
process.on('disconnect', () => {
  emu.close().finally(() => process.exit(0))
})
process.send({ type: 'ready', url: info.url, pid: process.pid })
