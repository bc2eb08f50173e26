// /auth/wechat/login, /callback, /logout and /session
import { wxauthRouteHandlers } from 'wxauth/next'
import { getAuth } from '../../../../lib/auth.js'

export const GET = (request) => wxauthRouteHandlers(getAuth()).GET(request)
export const POST = (request) => wxauthRouteHandlers(getAuth()).POST(request)
