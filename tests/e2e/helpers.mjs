// Shared launch code for the browser end-to-end tests: starts Debian's chromium / firefox-esr through
// puppeteer-core with the built extension loaded, in a fresh temporary profile that close() removes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(ROOT, 'tests/e2e/screenshots');

/** Absolute path of a build in .output/, e.g. `chrome-mv3`; fails with a hint when it was not built. */
export function builtExtension(name) {
  const dir = path.join(ROOT, '.output', name);
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    throw new Error(`${dir}/manifest.json is missing: run "npm run build" first`);
  }
  return dir;
}

export function readManifest(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
}

/** Save a screenshot of `selector` (default: the popup's <main>) to tests/e2e/screenshots/<name>. */
export async function screenshot(page, name, selector = 'main') {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name);
  const element = await page.$(selector);
  await withDeadline((element ?? page).screenshot({ path: file }), `screenshot ${name}`);
  return file;
}

function freshProfile(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Root + Chromium needs --no-sandbox; the rest keeps Chromium off the (closed) network (without the background-networking flags it retries blocked hosts all the time).
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Chromium with an unpacked MV3 extension. Resolves once the extension's service worker runs.
 * `options.args`: more command-line switches, e.g. `--lang=de` (the language the extension's catalogue follows).
 * @returns {{ browser, worker, extensionId, origin, close() }}
 */
export async function launchChromium(extDir, { args = [] } = {}) {
  const userDataDir = freshProfile('mpin-e2e-chromium-');
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      userDataDir,
      enableExtensions: true,
      args: [...CHROMIUM_FLAGS, `--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`, ...args],
    });
    const target = await browser.waitForTarget(
      (t) =>
        t.type() === 'service_worker' &&
        t.url().startsWith('chrome-extension://') &&
        t.url().endsWith('/background.js'),
      { timeout: 20_000 },
    );
    const extensionId = new URL(target.url()).host;
    const worker = await target.worker();
    // The target can be reported before the worker's extension APIs are bound (seen once in CI on a loaded
    // machine: "chrome is not defined"); wait until they are.
    for (let i = 0; ; i++) {
      const ready = await worker
        .evaluate(() => typeof chrome !== 'undefined' && Boolean(chrome.runtime?.id))
        .catch(() => false);
      if (ready) break;
      if (i >= 100) throw new Error('the extension service worker never got its chrome.* APIs');
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      browser,
      worker,
      extensionId,
      origin: `chrome-extension://${extensionId}`,
      close: () => closeAndRemove(browser, userDataDir),
    };
  } catch (error) {
    await closeAndRemove(browser, userDataDir);
    throw error;
  }
}

/**
 * Firefox ESR over WebDriver BiDi with the extension installed as a temporary add-on.
 * The extension's UUID is pinned by a pref so that its moz-extension:// origin is known before it starts.
 * `options.prefs`: more Firefox prefs for the profile.
 * @returns {{ browser, addonId, origin, close() }}
 */
export async function launchFirefox(extDir, { prefs = {} } = {}) {
  const geckoId = readManifest(extDir).browser_specific_settings?.gecko?.id;
  if (!geckoId) throw new Error(`${extDir}/manifest.json has no browser_specific_settings.gecko.id`);
  const uuid = crypto.randomUUID();
  const userDataDir = freshProfile('mpin-e2e-firefox-');
  let browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
      headless: true,
      userDataDir,
      // Without it, navigating to moz-extension:// is refused ("not allowed in this context").
      args: ['--remote-allow-system-access'],
      extraPrefsFirefox: { ...prefs, 'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: uuid }) },
    });
    const addonId = await browser.installExtension(extDir);
    return { browser, addonId, origin: `moz-extension://${uuid}`, close: () => closeAndRemove(browser, userDataDir) };
  } catch (error) {
    await closeAndRemove(browser, userDataDir);
    throw error;
  }
}

/**
 * Open an extension page in Firefox. Puppeteer never sees navigations to moz-extension:// pages (goto would time
 * out although the page loads), so the navigation is not awaited (its time-out is ignored); wait for `selector` in
 * the page instead. A query made while the tab is still switching from about:blank can fail with a protocol error
 * (the old document is gone): such a failure is asked again, a missing element is waited for.
 */
export async function openFirefoxExtensionPage(browser, url, selector) {
  const page = await browser.newPage();
  page.goto(url, { timeout: 2_000 }).catch(() => {});
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = await page
      .evaluate((u, s) => location.href === u && document.querySelector(s) !== null, url, selector)
      .catch(() => false);
    if (found) return page;
    if (Date.now() > deadline) throw new Error(`${url} never showed ${selector}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function closeAndRemove(browser, userDataDir) {
  try {
    await browser?.close();
  } finally {
    fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/**
 * `promise`, or an error naming `what` after `ms`. For the browser calls that have no timeout of their own
 * (page.evaluate, and so a click or an axe run): a call the browser never answers then fails its test at once, saying
 * which step it was, instead of holding the whole file until the runner's timeout.
 */
export function withDeadline(promise, what, ms = 60_000) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer from the browser within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** A page's visible text on one line (whitespace folded), as the tests match it and their errors quote it. */
export const shownText = (page) => page.evaluate(() => document.body.innerText.replace(/\s+/g, ' ').trim());

/** The popup's text once the background's first state is rendered (an "Add service" button, or a failure). */
export async function popupFirstScreen(page) {
  await page.waitForFunction(
    () => [...document.querySelectorAll('button')].some((b) => /Add service|Retry/.test(b.textContent ?? '')),
    { timeout: 20_000 },
  );
  return shownText(page);
}

/**
 * From an extension page, send one runtime message and report what came back: `{ reply }` (null when the
 * background gave no reply; both browsers resolve with undefined then), or `{ error }` if sendMessage rejects.
 */
export function sendFromPage(page, message) {
  return page.evaluate(async (msg) => {
    const api = globalThis.browser ?? globalThis.chrome;
    try {
      return { reply: (await api.runtime.sendMessage(msg)) ?? null };
    } catch (error) {
      return { error: String(error?.message ?? error) };
    }
  }, message);
}
