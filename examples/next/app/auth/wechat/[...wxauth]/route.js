// /auth/wechat/login, /callback, /logout and /session
import { wxauthRouteHandlers } from 'wxauth/next'
import { getAuth } from '../../../../lib/auth.js'

// On the Edge runtime; without this line, on Node.js (where wxauth talks to WeChat through its
// faster keep-alive client). Either way, several instances need one store: see the README.
export const runtime = 'edge'

export const { GET, POST } = wxauthRouteHandlers(getAuth)
