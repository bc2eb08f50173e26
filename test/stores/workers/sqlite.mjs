// The conformance suite's process worker: a SQLite store over the file the test names. Plain Node
// cannot load TypeScript, so the store comes from the bundle test/stores/sqlite.test.ts builds.
const { WXAUTH_TEST_SQLITE_MODULE: module, WXAUTH_TEST_SQLITE_PATH: path } = process.env

export default async function create({ prefix }) {
  if (!module || !path) throw new Error('run by test/stores/sqlite.test.ts, which sets the env')
  const { sqliteStore } = await import(module)
  const store = sqliteStore({ path, prefix })
  return { store, close: () => store.close() }
}
