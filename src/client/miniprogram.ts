import { checkOpaque } from './arguments.js'
import { invalidArgument } from './errors.js'
import { FieldReader } from './fields.js'
import { type CallContext, callWeChat } from './http.js'
import type { RequestOptions, TokenCredentials } from './token.js'
import type { Code2SessionResult } from './types.js'

/**
 * Exchanges a mini program's `wx.login` code for the user's openid and session key
 * (`sns/jscode2session`). Like a web code, a js_code is single use and never retried once sent.
 * @internal
 */
export async function code2Session(
  ctx: CallContext,
  credentials: TokenCredentials,
  jsCode: string,
  options: RequestOptions = {},
): Promise<Code2SessionResult> {
  checkOpaque(jsCode, 'jsCode')
  if (!credentials.appSecret) throw invalidArgument('appSecret is required for code2Session')
  const response = await callWeChat(
    ctx,
    'sns/jscode2session',
    {
      appid: credentials.appId,
      secret: credentials.appSecret,
      js_code: jsCode,
      grant_type: 'authorization_code',
    },
    { secrets: [jsCode], signal: options.signal, deadline: options.deadline },
  )
  const fields = new FieldReader('sns/jscode2session', response)
  const result: Code2SessionResult = {
    openid: fields.requiredString('openid'),
    session_key: fields.requiredString('session_key'),
    raw: response.body,
  }
  const unionid = fields.optionalString('unionid')
  if (unionid !== undefined) result.unionid = unionid
  return result
}
