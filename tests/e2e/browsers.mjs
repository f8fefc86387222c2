// The browser drivers of the e2e tests: one interface over Chromium and Firefox, so that each flow is written once
// and run in both. A "phone" is a browser with the built extension (its popup opened as a tab, the in-page offer's
// button clicked inside its closed shadow root); a "PC" is a plain browser without it. What differs between the two
// browsers lives here and nowhere else:
//  - Chromium's permission prompt cannot be answered by automation, so its phone loads a snapshot of the build whose
//    manifest also grants http://127.0.0.1/* at install (the request then resolves at once, as for a user who said
//    yes); Firefox grants optional host permissions without a prompt when `extensions.webextOptionalPermissionPrompts`
//    is false, but still wants a user gesture (the flows click "Add service" with the real mouse).
//  - A closed shadow root: the DevTools protocol pierces it (Chromium); WebDriver BiDi cannot, so in Firefox the
//    offer's button is found by geometry (document.elementFromPoint answers the host element for any point of it).
//  - The UI language: Chromium takes it from --lang; Firefox from the intl.locale.requested pref, and only for a
//    language whose language pack is installed (Debian's firefox-esr-l10n-de for German, which .ci/run installs).
//  - Only Chromium's MV3 background can be stopped by a test (a service worker, closed through the DevTools
//    protocol); Firefox's MV2 background page is persistent and no automation API stops it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { builtExtension, CHROMIUM_FLAGS, launchChromium, launchFirefox, openFirefoxExtensionPage } from './helpers.mjs';

/** The browsers each flow runs in; E2E_BROWSERS=firefox (or chromium) narrows a run to one while working on it. */
export const BROWSERS = (process.env.E2E_BROWSERS ?? 'chromium,firefox')
  .split(',')
  .filter((kind) => kind === 'chromium' || kind === 'firefox');
export const BROWSER_NAMES = { chromium: 'Chromium', firefox: 'Firefox' };
/** The build folder (.output/<name>) each browser loads. */
export const BUILDS = { chromium: 'chrome-mv3', firefox: 'firefox-mv2' };
/** The popup is a small window: the tests give its tab the same width. */
const POPUP_VIEWPORT = { width: 420, height: 640 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A byte-for-byte snapshot of the build in a temporary folder: an installed extension reads its files from disk as
 * pages open, so a rebuild of .output/ during the run (new chunk hashes) would otherwise break it. With
 * `grantHost`, the manifest also grants http://127.0.0.1/* (Chromium's prompt, above).
 */
export function snapshotBuild(kind, { grantHost = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mpin-ext-${kind}-`));
  fs.cpSync(builtExtension(BUILDS[kind]), dir, { recursive: true });
  if (grantHost) {
    const manifestFile = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    manifest.host_permissions = [...(manifest.host_permissions ?? []), 'http://127.0.0.1/*'];
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
  }
  return dir;
}

/**
 * The phone: `kind`'s browser with a snapshot of the built extension. `asShipped` leaves Chromium's manifest as
 * built (no host granted: for the checks that need no service); `firefoxPrefs`: more prefs for a Firefox profile
 * (e.g. a dark scheme, which Firefox cannot emulate for a test page); `lang`: the browser's UI language (e.g. "de").
 */
export async function launchPhone(kind, { asShipped = false, firefoxPrefs = {}, lang } = {}) {
  const extDir = snapshotBuild(kind, { grantHost: kind === 'chromium' && !asShipped });
  try {
    const launched =
      kind === 'chromium'
        ? await launchChromium(extDir, { args: lang ? [`--lang=${lang}`] : [] })
        : await launchFirefox(extDir, {
            prefs: {
              'extensions.webextOptionalPermissionPrompts': false,
              ...firefoxPrefs,
              ...(lang ? { 'intl.locale.requested': lang } : {}),
            },
          });
    const phone = kind === 'chromium' ? chromiumPhone(launched) : firefoxPhone(launched, extDir);
    return {
      ...phone,
      kind,
      name: BROWSER_NAMES[kind],
      browser: launched.browser,
      origin: launched.origin,
      /** Screenshot file names: the Chromium run keeps the README's names, Firefox's get a prefix. */
      shotName: (name) => (kind === 'chromium' ? name : `firefox-${name}`),
      async close() {
        try {
          await launched.close();
        } finally {
          fs.rmSync(extDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    fs.rmSync(extDir, { recursive: true, force: true });
    throw error;
  }
}

function chromiumPhone(chromium) {
  const isOurWorker = (t) => t.type === 'service_worker' && t.url.startsWith(chromium.origin);
  return {
    /** The id the running background reports, and the one it must be (the id in the extension's origin). */
    async installedId() {
      return { running: await chromium.worker.evaluate(() => chrome.runtime.id), expected: chromium.extensionId };
    },
    async openPopup() {
      const page = await chromium.browser.newPage();
      await page.setViewport(POPUP_VIEWPORT);
      await page.goto(`${chromium.origin}/popup.html`);
      await page.waitForSelector('h1');
      return page;
    },
    clickOfferButton: (page, text) => clickInClosedShadowRoot(page, text),
    /** Stops the extension's service worker through the DevTools protocol; resolves once it is gone. */
    async stopBackground() {
      const cdp = await chromium.browser.target().createCDPSession();
      try {
        const worker = (await cdp.send('Target.getTargets')).targetInfos.find(isOurWorker);
        if (!worker) throw new Error('the extension service worker does not run');
        await cdp.send('Target.closeTarget', { targetId: worker.targetId });
        for (let i = 0; i < 100; i++) {
          if (!(await cdp.send('Target.getTargets')).targetInfos.some(isOurWorker)) return;
          await sleep(100);
        }
        throw new Error('the service worker did not stop');
      } finally {
        await cdp.detach();
      }
    },
    /**
     * Opens the popup after stopBackground(): its message starts the worker again. Puppeteer holds a restarted
     * worker that it had attached to before (launchChromium's `target.worker()`) paused "waiting for the debugger"
     * and never releases it, which a person's browser does not do; so this releases it.
     */
    async openPopupAfterStop() {
      const popup = await this.openPopup();
      const cdp = await chromium.browser.target().createCDPSession();
      try {
        for (let i = 0; i < 100; i++) {
          const worker = (await cdp.send('Target.getTargets')).targetInfos.find(isOurWorker);
          if (worker) {
            const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: true });
            await cdp
              .connection()
              .session(sessionId)
              ?.send('Runtime.runIfWaitingForDebugger')
              .catch(() => {});
            await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
            return popup;
          }
          await sleep(100);
        }
        throw new Error('the service worker did not start again');
      } finally {
        await cdp.detach();
      }
    },
  };
}

function firefoxPhone(firefox, extDir) {
  return {
    async installedId() {
      const manifest = JSON.parse(fs.readFileSync(path.join(extDir, 'manifest.json'), 'utf8'));
      return { running: firefox.addonId, expected: manifest.browser_specific_settings.gecko.id };
    },
    async openPopup() {
      const page = await openFirefoxExtensionPage(firefox.browser, `${firefox.origin}/popup.html`, 'h1');
      await page.setViewport(POPUP_VIEWPORT);
      return page;
    },
    clickOfferButton: (page, text) => clickOfferButtonByGeometry(page, text),
  };
}

/**
 * Clicks the button with text `text` inside the page's closed shadow roots (the extension's in-page offer). Page
 * scripts cannot reach into a closed root; the DevTools protocol can, which is how a test plays the user's click.
 */
export async function clickInClosedShadowRoot(page, text) {
  const client = await page.createCDPSession();
  try {
    for (let i = 0; i < 100; i++) {
      const { root } = await client.send('DOM.getDocument', { depth: -1, pierce: true });
      const stack = [root];
      while (stack.length) {
        const node = stack.pop();
        const label = (node.children ?? [])
          .filter((c) => c.nodeType === 3)
          .map((c) => c.nodeValue)
          .join('')
          .trim();
        if (node.nodeName === 'BUTTON' && label === text) {
          const { model } = await client.send('DOM.getBoxModel', { nodeId: node.nodeId });
          const [x1, y1, , , x3, y3] = model.content;
          await page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2);
          return;
        }
        stack.push(
          ...(node.children ?? []),
          ...(node.shadowRoots ?? []),
          ...(node.contentDocument ? [node.contentDocument] : []),
        );
      }
      await sleep(200);
    }
    throw new Error(`no button "${text}" in the page's shadow roots`);
  } finally {
    await client.detach();
  }
}

/**
 * The offer's "Sign in with M-Pin Authenticator" button, clicked without seeing into its closed root: the card is
 * fixed in the bottom-right corner (lib/pinpad/offer-ui.ts), so find its left and top edges with elementFromPoint
 * and click the sign-in button, the first thing in the card (padding 12px 14px). Only that button can be found so.
 */
async function clickOfferButtonByGeometry(page, text) {
  if (text !== 'Sign in with M-Pin Authenticator') throw new Error(`cannot find "${text}" in a closed root here`);
  const point = await page.evaluate(() => {
    const host = document.querySelector('mpin-authenticator-offer');
    const isHost = (x, y) => document.elementFromPoint(x, y) === host;
    const w = document.documentElement.clientWidth;
    const h = document.documentElement.clientHeight;
    const inside = { x: w - 30, y: h - 30 };
    if (!isHost(inside.x, inside.y)) return undefined;
    let left = inside.x;
    while (left > 0 && isHost(left - 1, inside.y)) left--;
    let top = inside.y;
    while (top > 0 && isHost(left + 20, top - 1)) top--;
    return { x: left + 30, y: top + 28 };
  });
  if (!point) throw new Error('the offer card is not in the bottom-right corner');
  await page.mouse.click(point.x, point.y);
}

/** A plain browser of `kind` without the extension (the "PC", or the demo site's own browser). */
export async function launchPlainBrowser(kind = 'chromium') {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `mpin-pc-${kind}-`));
  try {
    const browser = await puppeteer.launch(
      kind === 'chromium'
        ? {
            executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
            headless: true,
            args: CHROMIUM_FLAGS,
            userDataDir,
          }
        : {
            browser: 'firefox',
            executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
            headless: true,
            userDataDir,
          },
    );
    return {
      kind,
      name: BROWSER_NAMES[kind],
      browser,
      async close() {
        try {
          await browser.close();
        } finally {
          fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
        }
      },
    };
  } catch (error) {
    fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
    throw error;
  }
}
