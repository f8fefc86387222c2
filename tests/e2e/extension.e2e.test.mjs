// The M-Pin mobile guide in Chromium: the "phone" is Chromium with the built extension, the "PC" is a second
// Chromium without it, both against the real reference server (free ports, temporary DATA_DIR). Registration with
// activation through the mailbox, PIN setup, a remote sign-in with the access number shown on the PC, sign-out from
// the extension, a wrong access number, wrong PINs up to the block and registering again.
//
// Chrome's permission prompt cannot be answered by automation: the phone loads chromeBuildWithHostGranted()
// (guide.mjs), the build as shipped but for the test server's host granted at install.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from './helpers.mjs';
import {
  activateOnPc as activate,
  chromeBuildWithHostGranted,
  click,
  clickInClosedShadowRoot,
  fill,
  launchPc,
  pcAccessNumber,
  startGuideServer,
  waitForText,
} from './guide.mjs';

const EMAIL = 'phone.user@example.com';
const PIN = '2468';

let server, phone, pc, extCopy;

async function openPopup() {
  const page = await phone.browser.newPage();
  await page.setViewport({ width: 420, height: 640 });
  await page.goto(`${phone.origin}/popup.html`);
  await page.waitForSelector('h1');
  return page;
}

const activateOnPc = (to) =>
  activate(pc, server.publicUrl, to, (page) => screenshot(page, 'pc-activation-confirmed.png', 'body'));

before(async () => {
  server = await startGuideServer();
  extCopy = chromeBuildWithHostGranted();
  phone = await launchChromium(extCopy);
  pcLaunch = await launchPc();
  pc = pcLaunch.browser;
});

let pcLaunch;
after(async () => {
  await pcLaunch?.close();
  await phone?.close();
  await server?.stop();
  if (extCopy) fs.rmSync(extCopy, { recursive: true, force: true });
});

describe('the M-Pin mobile guide in Chromium', () => {
  it('registers: adds the service, "Setup M-Pin", activation from the mailbox, "I confirmed my email", PIN "SETUP"', async () => {
    const popup = await openPopup();
    await screenshot(popup, 'popup-add-service.png', 'body');
    await fill(popup, /url|address of the service|service/, server.publicUrl);
    await click(popup, 'Add service');
    await waitForText(popup, /Setup M-Pin/);
    await screenshot(popup, 'popup-register.png', 'body');
    await fill(popup, /e-?mail/, EMAIL);
    await click(popup, 'Setup M-Pin');
    await waitForText(popup, /I confirmed my email/);
    await screenshot(popup, 'popup-email-sent.png', 'body');

    // too early: the link was not used yet
    await click(popup, 'I confirmed my email');
    await waitForText(popup, /not (been )?confirmed|confirm.*first|not verified/);

    // the popup can close and reopen mid-registration
    await popup.close();
    await activateOnPc(EMAIL);
    const again = await openPopup();
    await waitForText(again, /I confirmed my email/);
    await click(again, 'I confirmed my email');
    await waitForText(again, /SETUP/);
    await screenshot(again, 'popup-setup-pin.png', 'body');
    await again.keyboard.type(PIN);
    await click(again, 'SETUP');
    await waitForText(again, /Sign in with this M-Pin/);
    await screenshot(again, 'popup-home.png', 'body');
    assert.match(await again.evaluate(() => document.body.innerText), new RegExp(EMAIL.replace('.', '\\.')));
    await again.close();
  });

  it('signs the PC in with the access number and PIN, and signs it out again', async () => {
    const { page: pcPage, accessNumber } = await pcAccessNumber(pc, server.publicUrl);
    await screenshot(pcPage, 'pc-phone-login.png', 'body');

    const popup = await openPopup();
    await click(popup, 'Sign in with this M-Pin');
    await waitForText(popup, /Next/);
    await screenshot(popup, 'popup-access-number.png', 'body');
    await popup.keyboard.type(accessNumber);
    await click(popup, 'Next');
    await waitForText(popup, /Login/);
    // before the PIN: which service and which identity (R4)
    const pinScreen = await popup.evaluate(() => document.body.innerText);
    assert.match(pinScreen, /127\.0\.0\.1/);
    assert.match(pinScreen, new RegExp(EMAIL.replace('.', '\\.')));
    await screenshot(popup, 'popup-pin.png', 'body');
    await popup.keyboard.type(PIN);
    await click(popup, 'Login');
    await waitForText(popup, /signed in as/);
    await screenshot(popup, 'popup-success.png', 'body');

    await pcPage.waitForFunction(() => location.pathname === '/protected', { timeout: 20_000 });
    await waitForText(pcPage, new RegExp(EMAIL.replace('.', '\\.')));
    await screenshot(pcPage, 'pc-protected.png', 'body');

    await click(popup, 'Sign out');
    await pcPage.waitForFunction(() => location.pathname === '/', { timeout: 40_000 });
    await waitForText(popup, /signed out/);
    await popup.close();
    await pcPage.close();
  });

  it('signs this browser in on the demo page: the content script offers it, the PIN goes into the extension', async () => {
    const site = await phone.browser.newPage();
    await site.goto(`${server.publicUrl}/`);
    await site.waitForSelector('mpin-authenticator-offer', { timeout: 20_000 });
    await screenshot(site, 'phone-site-offer.png', 'body');
    await clickInClosedShadowRoot(site, 'Sign in with M-Pin Authenticator');
    // the page's own PIN fields stay empty: the PIN never goes into the page
    assert.deepEqual(
      await site.evaluate(() =>
        [...document.querySelectorAll('#mpin-pin, #mpin-new-pin, input[type="password"]')]
          .map((i) => i.value)
          .filter(Boolean),
      ),
      [],
    );

    // the PIN is typed into the extension's own page, never into the site
    const popup = await openPopup();
    await waitForText(popup, /Login/);
    const shown = await popup.evaluate(() => document.body.innerText);
    assert.match(shown, /127\.0\.0\.1/);
    assert.match(shown, new RegExp(EMAIL.replace('.', '\\.')));
    await screenshot(popup, 'popup-pin-local.png', 'body');
    await popup.keyboard.type(PIN);
    await click(popup, 'Login');
    await site.waitForFunction(() => location.pathname === '/protected', { timeout: 30_000 });
    await waitForText(site, new RegExp(EMAIL.replace('.', '\\.')));
    await waitForText(popup, /signed in/);
    await popup.close();
    await site.close();
  });

  it('warns of a wrong access number, and blocks the identity after three wrong PINs; register again works', async () => {
    const popup = await openPopup();
    // reopened after a sign-in: the success screen stays until the user leaves it
    await waitForText(popup, /signed in|signed out/);
    await click(popup, 'Start Over');
    await click(popup, 'Sign in with this M-Pin');
    await waitForText(popup, /Next/);
    // a bad check digit: refused before anything is sent
    await popup.keyboard.type('1234567');
    await click(popup, 'Next');
    await waitForText(popup, /not valid/);
    await screenshot(popup, 'popup-wrong-access-number.png', 'body');

    // a well-formed number that the service never issued: 412, a warning, and "Try again"
    const unknown = '1234560'; // check value of 123456 is 0
    await fill(popup, /Access number/, unknown);
    await click(popup, 'Next');
    await waitForText(popup, /Login/);
    await popup.keyboard.type(PIN);
    await click(popup, 'Login');
    await waitForText(popup, /Try again/);
    await screenshot(popup, 'popup-unknown-access-number.png', 'body');
    await click(popup, 'Try again');
    await waitForText(popup, /Next/);

    // the PC's real number, then three wrong PINs on it (Milagro lets the phone retry with the same number)
    const { page: pcPage, accessNumber } = await pcAccessNumber(pc, server.publicUrl);
    await popup.keyboard.type(accessNumber);
    await click(popup, 'Next');
    for (let attempt = 1; attempt <= 3; attempt++) {
      await waitForText(popup, /Login/);
      await popup.keyboard.type('1111');
      await click(popup, 'Login');
      if (attempt < 3) {
        await waitForText(popup, /Incorrect PIN/);
        if (attempt === 1) await screenshot(popup, 'popup-wrong-pin.png', 'body');
        await click(popup, 'Try again');
      }
    }
    await waitForText(popup, /has been removed from this device/);
    await screenshot(popup, 'popup-blocked.png', 'body');
    await click(popup, 'Register again');
    await waitForText(popup, /Setup M-Pin/);
    assert.equal(await popup.$eval('input[type="email"]', (i) => i.value), EMAIL);
    await pcPage.close();
    await popup.close();
  });
});
