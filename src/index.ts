/**
 * wxauth: Sign in with WeChat for TypeScript.
 *
 * @module
 */
export * from './client/index.js'
export * from './flow/index.js'
export * from './stores/index.js'
