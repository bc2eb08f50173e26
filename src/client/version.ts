/** This package's version, sent in the User-Agent. @internal */
export const VERSION = '0.1.0'
