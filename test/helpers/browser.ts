import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { captureSnapshot, responderOf, settleLater } from './capture.js'
import { need } from './requirements.js'

/** Debian's Chromium; `.ci/run` installs it when missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Where browser tests save screenshots (git-ignored). */
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots')

/** Whether browser tests can run here; under CI a missing Chromium is a failure, not a skip. */
export function browserAvailable(): boolean {
  return need(existsSync(CHROMIUM), {
    tests: 'browser tests',
    missing: `no Chromium at ${CHROMIUM} (CHROMIUM_PATH)`,
    install: 'apt-get install chromium',
  })
}

/**
 * Headless Chromium with the flags this machine needs (no sandbox as root, no background network).
 * Every response its pages receive goes to the leak check ({@link watchResponses}).
 */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
  // `newPage` makes its context with `newContext` too.
  const newContext = browser.newContext.bind(browser)
  browser.newContext = async (options) => watchResponses(await newContext(options))
  return browser
}

/**
 * The leak check sees every response the browser receives: the app's (nothing may carry a
 * secret) and the emulator's (its redirect to the callback carries the code; its pages nothing).
 */
export function watchResponses(context: BrowserContext): BrowserContext {
  context.on('response', (response) => {
    const url = response.url()
    if (!url.startsWith('http')) return
    settleLater(
      (async () => {
        const headers = Object.entries(await response.allHeaders())
        // Redirects have no body to read; a page closed meanwhile neither.
        const body = await response.text().catch(() => '')
        const from = responderOf(url)
        const status = response.status()
        const snapshot = { url, status, statusText: response.statusText(), headers, body }
        captureSnapshot(`${from} response (Chromium)`, snapshot, from)
      })().catch(() => {}),
    )
  })
  return context
}

/** Saves a full-page screenshot named `name.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}
