// A sign-in on this browser reaches only the site that asked for it (Chromium, the built extension, real servers).
// Service X is a reference server with an identity; site Y is a second reference server, reached through counting
// proxies (guide.mjs startCountingProxy) on other ports of the same host, 127.0.0.1: one of them added to the
// extension as a service, the other not (just another port of X's host, where the PIN pad content script is injected
// too, because host access has no port). The attack: the user clicks the offer on X, the popup asks for the PIN for
// X, and meanwhile the tab is sent to Y's PIN pad page. After the PIN, nothing may reach Y (no POST /mpinAuthenticate
// at all), the popup must say that the page changed, and the identity must still sign X in afterwards. On another
// port that is not a service the content script does nothing at all: even a completeSignIn sent by the extension's
// own background to that page is not taken. A reload of X before the PIN is another document: it gets nothing too.
//
// Chrome's permission prompt cannot be answered by automation: the phone loads chromeBuildWithHostGranted()
// (guide.mjs), the build as shipped but for http://127.0.0.1/* granted at install.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from './helpers.mjs';
import {
  activateOnPc,
  chromeBuildWithHostGranted,
  click,
  clickInClosedShadowRoot,
  fill,
  startCountingProxy,
  startGuideServer,
  waitForText,
} from './guide.mjs';

const EMAIL = 'local.user@example.com';
const PIN = '3579';
const OFFER = 'Sign in with M-Pin Authenticator';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let serverX, serverY, addedY, otherPortY, phone, extCopy, site;

async function openPopup() {
  const page = await phone.browser.newPage();
  await page.setViewport({ width: 420, height: 640 });
  await page.goto(`${phone.origin}/popup.html`);
  await page.waitForSelector('h1');
  return page;
}

/** The site tab on `url`'s PIN pad page with the extension's offer, and its click: the popup's PIN screen for X. */
async function askForLocalSignIn(url) {
  await site.goto(`${url}/`);
  await site.waitForSelector('mpin-authenticator-offer', { timeout: 20_000 });
  await clickInClosedShadowRoot(site, OFFER);
  const popup = await openPopup();
  await waitForText(popup, /Login/);
  const shown = await popup.evaluate(() => document.body.innerText);
  assert.match(shown, new RegExp(new URL(serverX.publicUrl).host.replace(/\./g, '\\.')));
  return popup;
}

/** Types the PIN, "Login", and resolves once the popup shows the outcome (a problem, or another screen). */
async function typePinAndLogin(popup) {
  await popup.keyboard.type(PIN);
  await click(popup, 'Login');
  await popup.waitForFunction(
    () =>
      document.querySelector('main')?.getAttribute('aria-busy') === 'false' &&
      (document.querySelector('[role="alert"]') !== null ||
        ![...document.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Login')),
    { timeout: 60_000 },
  );
}

before(async () => {
  [serverX, serverY] = await Promise.all([startGuideServer(), startGuideServer()]);
  [addedY, otherPortY] = await Promise.all([
    startCountingProxy(serverY.publicUrl),
    startCountingProxy(serverY.publicUrl),
  ]);
  extCopy = chromeBuildWithHostGranted();
  phone = await launchChromium(extCopy);
});

after(async () => {
  await phone?.close();
  await Promise.all([addedY?.close(), otherPortY?.close()]);
  await Promise.all([serverX?.stop(), serverY?.stop()]);
  if (extCopy) fs.rmSync(extCopy, { recursive: true, force: true });
});

describe('a sign-in on this browser reaches only the site that asked for it', () => {
  it('sets up: Y added as a service, then an identity on X', async () => {
    const popup = await openPopup();
    await fill(popup, /url|address of the service|service/, addedY.url);
    await click(popup, 'Add service');
    await waitForText(popup, /Setup M-Pin/);
    await click(popup, 'Cancel');
    await waitForText(popup, /Add service/);
    await fill(popup, /url|address of the service|service/, serverX.publicUrl);
    await click(popup, 'Add service');
    await waitForText(popup, /Setup M-Pin/);
    await fill(popup, /e-?mail/, EMAIL);
    await click(popup, 'Setup M-Pin');
    await waitForText(popup, /I confirmed my email/);
    await activateOnPc(phone.browser, serverX.publicUrl, EMAIL);
    await click(popup, 'I confirmed my email');
    await waitForText(popup, /SETUP/);
    await popup.keyboard.type(PIN);
    await click(popup, 'SETUP');
    await waitForText(popup, /Sign in with this M-Pin/);
    await popup.close();
    site = await phone.browser.newPage();
  });

  for (const [what, y] of [
    ['another added service', () => addedY],
    ["another port of X's host that is not a service", () => otherPortY],
  ]) {
    it(`the tab sent to ${what} before the PIN gets nothing, and the popup says the page changed`, async () => {
      const popup = await askForLocalSignIn(serverX.publicUrl);
      await site.goto(`${y().url}/`);
      await site.waitForSelector('[data-mpin-pinpad]', { timeout: 20_000 }); // Y's own PIN pad page
      await typePinAndLogin(popup);
      assert.equal(y().count('POST', '/mpinAuthenticate'), 0, 'nothing was posted to the other site');
      assert.notEqual(new URL(site.url()).pathname, '/protected');
      await waitForText(popup, /no longer shows/);
      const shown = await popup.evaluate(() => document.body.innerText);
      assert.match(shown, /changed/i);
      await screenshot(popup, 'popup-page-changed.png', 'body');
      await sleep(500);
      assert.equal(y().count('POST', '/mpinAuthenticate'), 0);
      await popup.close();
    });
  }

  it('the tab reloaded before the PIN (the same site, another document) gets nothing either', async () => {
    const popup = await askForLocalSignIn(serverX.publicUrl);
    await site.reload();
    await site.waitForSelector('mpin-authenticator-offer', { timeout: 20_000 }); // the new document's own offer
    await typePinAndLogin(popup);
    await waitForText(popup, /no longer shows/);
    await sleep(500);
    assert.equal(new URL(site.url()).pathname, '/', 'the reloaded page was not signed in');
    await popup.close();
  });

  it('the identity still signs X in afterwards', async () => {
    const popup = await askForLocalSignIn(serverX.publicUrl);
    await typePinAndLogin(popup);
    await site.waitForFunction(() => location.pathname === '/protected', { timeout: 30_000 });
    await waitForText(site, new RegExp(EMAIL.replace(/\./g, '\\.')));
    await waitForText(popup, /signed in/);
    await popup.close();
  });

  it('on another port of the host the content script does nothing: even a completeSignIn from the background is not taken', async () => {
    await site.goto(`${otherPortY.url}/`);
    await site.waitForSelector('[data-mpin-pinpad]', { timeout: 20_000 });
    await site.waitForFunction(() => document.readyState === 'complete');
    await sleep(2_000); // the content script runs at document_idle
    assert.equal(await site.$('mpin-authenticator-offer'), null);
    const authOTT = '0123456789abcdef0123456789abcdef';
    const messages = [
      // the message as the background sent it before the nonce, and as it sends it now
      { type: 'completeSignIn', authOTT, authenticateURL: `${otherPortY.url}/mpinAuthenticate` },
      {
        type: 'completeSignIn',
        authOTT,
        authenticateURL: `${otherPortY.url}/mpinAuthenticate`,
        origin: otherPortY.url,
        nonce: 'fedcba9876543210fedcba9876543210',
      },
    ];
    const replies = await phone.worker.evaluate(
      async (prefix, list) => {
        const tab = (await chrome.tabs.query({})).find((t) => t.url?.startsWith(`${prefix}/`));
        if (!tab) return ['no tab'];
        const out = [];
        for (const message of list) {
          try {
            out.push(JSON.stringify((await chrome.tabs.sendMessage(tab.id, message, { frameId: 0 })) ?? null));
          } catch (e) {
            out.push(`no receiver: ${String(e?.message ?? e)}`);
          }
        }
        return out;
      },
      otherPortY.url,
      messages,
    );
    assert.equal(replies.length, 2, String(replies));
    for (const reply of replies) assert.match(reply, /^no receiver/, 'nobody on that page listens to the extension');
    await sleep(500);
    assert.equal(otherPortY.count('POST', '/mpinAuthenticate'), 0);
  });
});
