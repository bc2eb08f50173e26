/**
 * This package's version, sent in the User-Agent and printed by `wxauth --version`. Written from
 * package.json by scripts/version.mjs, which `npm run build` runs: change package.json, not this.
 * @internal
 */
export const VERSION = '0.1.0'
