// The WeChat emulator in its own process for the login benchmark: listens on 127.0.0.1 (a free
// port), auto-approves every authorize request as `zhangsan`, tells its parent the URL and the
// user's openid and unionid over IPC, and exits when the parent goes away.
import { createEmulator, defaultOfficialAccount } from 'wxauth/emulator'

const USER = 'zhangsan'
const emulator = createEmulator()
emulator.autoApprove(USER)
const { url } = await emulator.listen({ port: 0, host: '127.0.0.1' })
process.on('disconnect', () => process.exit(0))
process.send?.({
  ready: url,
  user: USER,
  openid: emulator.openid(defaultOfficialAccount.appId, USER),
  unionid: emulator.unionid(defaultOfficialAccount.appId, USER),
})
