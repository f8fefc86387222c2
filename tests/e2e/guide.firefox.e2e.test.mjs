// The M-Pin mobile guide in Firefox: the "phone" is Firefox ESR (WebDriver BiDi) with the real .output/firefox-mv2
// build installed as a temporary add-on, the "PC" is Chromium without the extension, both against the real reference
// server (free ports, temporary DATA_DIR). Flows 1, 2, 3 and 6 of the guide (issue 5): registration with activation
// through the mailbox and PIN setup; a remote sign-in with the PC's access number and sign-out; sign-in on this
// browser through the content script's offer, and no offer on a look-alike origin; wrong access numbers, wrong
// PINs up to the block, and registering again.
//
// Firefox grants the optional host permission without a prompt when `extensions.webextOptionalPermissionPrompts` is
// false, but permissions.request still needs a user gesture: "Add service" is clicked with the real mouse.
// The in-page offer lives in a closed shadow root, which BiDi cannot pierce: its button is clicked at coordinates
// found with document.elementFromPoint (it returns the host element for any point of the card).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { builtExtension, launchFirefox, openFirefoxExtensionPage, screenshot } from './helpers.mjs';
import {
  activateOnPc as activate,
  click,
  fill,
  launchPc,
  pcAccessNumber,
  startGuideServer,
  waitForText,
} from './guide.mjs';

const EMAIL = 'firefox.user@example.com';
const PIN = '2468';
const emailPattern = new RegExp(EMAIL.replace(/\./g, '\\.'));

let server, phone, pcLaunch, pc, extCopy;

async function openPopup() {
  const page = await openFirefoxExtensionPage(phone.browser, `${phone.origin}/popup.html`, 'h1');
  await page.setViewport({ width: 420, height: 640 });
  return page;
}

/** Clicks the enabled button `text` with the real mouse (a user gesture, as permissions.request needs). */
async function realClick(page, text) {
  const handle = await page.waitForFunction(
    (t) => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === t && !b.disabled),
    { timeout: 20_000 },
    text,
  );
  await handle.asElement().click();
}

/** Replaces the value of the input labelled `label`: BiDi's triple click does not select the text. */
async function refill(page, label, value) {
  const input = await page.waitForFunction(
    (t) => [...document.querySelectorAll('input')].find((i) => [...i.labels].some((l) => l.textContent.trim() === t)),
    { timeout: 20_000 },
    label,
  );
  await input.asElement().click();
  await input.evaluate((i) => i.select());
  await input.asElement().type(value);
}

/**
 * Clicks the offer's "Sign in with M-Pin Authenticator" button in its closed shadow root. The card is fixed in the
 * bottom-right corner (lib/pinpad/offer-ui.ts): find its left and top edges with elementFromPoint, then click the
 * sign-in button, the first thing in the card (padding 12px 14px).
 */
async function clickOfferSignIn(page) {
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
  assert.ok(point, 'the offer card is in the bottom-right corner');
  await page.mouse.click(point.x, point.y);
}

const activateOnPc = (to) =>
  activate(pc, server.publicUrl, to, (page) => screenshot(page, 'firefox-pc-activation-confirmed.png', 'body'));

/** Activation on the PC, "I confirmed my email", PIN "SETUP": the popup ends on the home screen. */
async function finishRegistration(popup, shots) {
  await waitForText(popup, /I confirmed my email/);
  if (shots) await screenshot(popup, 'firefox-popup-email-sent.png', 'body');
  await activateOnPc(EMAIL);
  await click(popup, 'I confirmed my email');
  await waitForText(popup, /SETUP/);
  if (shots) await screenshot(popup, 'firefox-popup-setup-pin.png', 'body');
  await popup.keyboard.type(PIN);
  await click(popup, 'SETUP');
  await waitForText(popup, /Sign in with this M-Pin/);
  assert.match(await popup.evaluate(() => document.body.innerText), emailPattern);
}

before(async () => {
  server = await startGuideServer();
  // A byte-for-byte snapshot of the build: a temporary add-on reads its files from disk as pages open, so a rebuild
  // of .output/ during the run (new chunk hashes) would otherwise break the installed extension.
  extCopy = fs.mkdtempSync(path.join(os.tmpdir(), 'mpin-ext-firefox-'));
  fs.cpSync(builtExtension('firefox-mv2'), extCopy, { recursive: true });
  phone = await launchFirefox(extCopy, { prefs: { 'extensions.webextOptionalPermissionPrompts': false } });
  pcLaunch = await launchPc();
  pc = pcLaunch.browser;
});

after(async () => {
  await pcLaunch?.close();
  await phone?.close();
  await server?.stop();
  if (extCopy) fs.rmSync(extCopy, { recursive: true, force: true });
});

describe('the M-Pin mobile guide in Firefox', () => {
  it('registers: adds the service, "Setup M-Pin", activation from the mailbox, "I confirmed my email", PIN "SETUP"', async () => {
    const popup = await openPopup();
    await waitForText(popup, /Add service/);
    await screenshot(popup, 'firefox-popup-add-service.png', 'body');
    await fill(popup, /url|address of the service|service/, server.publicUrl);
    await realClick(popup, 'Add service');
    await waitForText(popup, /Setup M-Pin/);
    await screenshot(popup, 'firefox-popup-register.png', 'body');
    await fill(popup, /e-?mail/, EMAIL);
    await fill(popup, /device/, 'Firefox phone');
    await click(popup, 'Setup M-Pin');
    await finishRegistration(popup, true);
    await screenshot(popup, 'firefox-popup-home.png', 'body');
    await popup.close();
  });

  it('signs the PC in with the access number and PIN, and signs it out again', async () => {
    const { page: pcPage, accessNumber } = await pcAccessNumber(pc, server.publicUrl);
    const popup = await openPopup();
    await click(popup, 'Sign in with this M-Pin');
    await waitForText(popup, /Next/);
    await screenshot(popup, 'firefox-popup-access-number.png', 'body');
    await popup.keyboard.type(accessNumber);
    await click(popup, 'Next');
    await waitForText(popup, /Login/);
    const pinScreen = await popup.evaluate(() => document.body.innerText);
    assert.match(pinScreen, /127\.0\.0\.1/);
    assert.match(pinScreen, emailPattern);
    await screenshot(popup, 'firefox-popup-pin.png', 'body');
    await popup.keyboard.type(PIN);
    await click(popup, 'Login');
    await waitForText(popup, /signed in as/);
    await screenshot(popup, 'firefox-popup-success.png', 'body');

    await pcPage.waitForFunction(() => location.pathname === '/protected', { timeout: 20_000 });
    await waitForText(pcPage, emailPattern);

    await click(popup, 'Sign out');
    await pcPage.waitForFunction(() => location.pathname === '/', { timeout: 40_000 });
    await waitForText(popup, /signed out/);
    await popup.close();
    await pcPage.close();
  });

  it('signs this browser in on the demo page: the content script offers it, the PIN goes into the extension', async () => {
    const site = await phone.browser.newPage();
    await site.setViewport({ width: 1000, height: 700 });
    await site.goto(`${server.publicUrl}/`);
    await site.waitForSelector('mpin-authenticator-offer', { timeout: 20_000 });
    await screenshot(site, 'firefox-phone-site-offer.png', 'body');
    await clickOfferSignIn(site);

    // the PIN is typed into the extension's own page (opened as a tab), never into the site
    const popup = await openPopup();
    await waitForText(popup, /Login/);
    const shown = await popup.evaluate(() => document.body.innerText);
    assert.match(shown, /127\.0\.0\.1/);
    assert.match(shown, emailPattern);
    await screenshot(popup, 'firefox-popup-pin-local.png', 'body');
    await popup.keyboard.type(PIN);
    await click(popup, 'Login');
    await site.waitForFunction(() => location.pathname === '/protected', { timeout: 30_000 });
    await waitForText(site, emailPattern);
    await waitForText(popup, /signed in/);
    await popup.close();
    await site.close();

    // the same server as http://localhost:<port>: another origin, never added, gets no offer, while the added
    // origin, opened after it, has its offer
    const lookAlike = await phone.browser.newPage();
    await lookAlike.goto(`http://localhost:${new URL(server.publicUrl).port}/`);
    await waitForText(lookAlike, /Sign in with Phone/);
    const real = await phone.browser.newPage();
    await real.goto(`${server.publicUrl}/`);
    await real.waitForSelector('mpin-authenticator-offer', { timeout: 20_000 });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await lookAlike.$('mpin-authenticator-offer'), null);
    await real.close();
    await lookAlike.close();
  });

  it('warns of wrong access numbers, and removes the identity after three wrong PINs; register again works', async () => {
    const popup = await openPopup();
    await waitForText(popup, /signed in|signed out|Sign in with this M-Pin/);
    if (
      await popup.evaluate(() =>
        [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Start Over'),
      )
    ) {
      await click(popup, 'Start Over');
    }
    await click(popup, 'Sign in with this M-Pin');
    await waitForText(popup, /Next/);
    // a bad check digit: refused before anything is sent
    await popup.keyboard.type('1234567');
    await click(popup, 'Next');
    await waitForText(popup, /not valid/);
    await screenshot(popup, 'firefox-popup-wrong-access-number.png', 'body');

    // a well-formed number that the service never issued: a warning, and "Try again"
    await refill(popup, 'Access number', '1234560');
    await click(popup, 'Next');
    await waitForText(popup, /Login/);
    await popup.keyboard.type(PIN);
    await click(popup, 'Login');
    await waitForText(popup, /Try again/);
    await screenshot(popup, 'firefox-popup-unknown-access-number.png', 'body');
    await click(popup, 'Try again');
    await waitForText(popup, /Next/);

    // the PC's real number, then three wrong PINs
    const { page: pcPage, accessNumber } = await pcAccessNumber(pc, server.publicUrl);
    await popup.keyboard.type(accessNumber);
    await click(popup, 'Next');
    for (let attempt = 1; attempt <= 3; attempt++) {
      await waitForText(popup, /Login/);
      await popup.keyboard.type('1111');
      await click(popup, 'Login');
      if (attempt < 3) {
        await waitForText(popup, /Incorrect PIN!/);
        if (attempt === 1) await screenshot(popup, 'firefox-popup-wrong-pin.png', 'body');
        await click(popup, 'Try again');
      }
    }
    await waitForText(popup, /has been removed from this device/);
    await screenshot(popup, 'firefox-popup-blocked.png', 'body');
    await click(popup, 'Register again');
    await waitForText(popup, /Setup M-Pin/);
    assert.equal(await popup.$eval('input[type="email"]', (i) => i.value), EMAIL);
    await click(popup, 'Setup M-Pin');
    await finishRegistration(popup, false);
    await pcPage.close();
    await popup.close();
  });
});
