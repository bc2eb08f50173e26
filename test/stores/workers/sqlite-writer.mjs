// A child process of test/stores/sqlite.test.ts, writing through a SQLite store:
//   once: sets `key` to `value` and exits without closing the store.
//   loop: sets `counter` to the next number, padded to a random length, forever, appending each
//         number to the `report` file once its set resolved; the parent kills it with SIGKILL.
import { openSync, writeSync } from 'node:fs'

const { module, path, mode, key, value, report } = JSON.parse(process.argv[2])
const { sqliteStore } = await import(module)
const store = sqliteStore({ path, prefix: 'crash:' })

if (mode === 'once') {
  await store.set(key, value, 3_600_000)
  process.exit(0)
}

// A file, written synchronously: a pipe to the parent may still hold lines when the child dies.
const out = openSync(report, 'a')
let n = Number((await store.get('counter'))?.split(':')[0] ?? '0')
for (;;) {
  n++
  await store.set('counter', `${n}:${'x'.repeat(Math.floor(Math.random() * 6000))}`, 3_600_000)
  writeSync(out, `${n}\n`)
}
