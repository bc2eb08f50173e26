/**
 * What some tests need from the machine: Redis, the redis-server binary, Chromium. With CI=true
 * a missing one fails the file (CI must provide it); elsewhere the file skips, and the run ends
 * with one line saying what was skipped and how to install it (`test/skipped-reporter.ts`).
 */
import { SKIPPED_MARK, type Skip } from '../skipped-reporter.js'

/** Whether `found`; when not, throws under CI=true, else notes the skip and returns false. */
export function need(found: boolean, skip: Skip): boolean {
  if (found) return true
  if (process.env.CI === 'true') {
    throw new Error(`${skip.missing}: CI must provide it for the ${skip.tests} (${skip.install})`)
  }
  console.warn(`${SKIPPED_MARK}${JSON.stringify(skip)}`)
  return false
}
