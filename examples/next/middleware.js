// Sends a signed-out browser from /account to the login, which brings it back there. This runs
// on the Edge runtime; Next.js 16 deprecates the file name for proxy.js, which runs on Node.js
// only: renamed proxy.js, the same file works there.
import { wxauthMiddleware } from 'wxauth/next'
import { getAuth } from './lib/auth.js'

export default wxauthMiddleware(getAuth, { protect: ['/account'] })

// Next.js runs the middleware only on these paths.
export const config = { matcher: ['/account/:path*'] }
