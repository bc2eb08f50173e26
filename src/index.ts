/**
 * wxauth: Sign in with WeChat for TypeScript.
 *
 * @module wxauth
 */
export * from './client/index.js'
export * from './flow/index.js'
export * from './stores/index.js'
