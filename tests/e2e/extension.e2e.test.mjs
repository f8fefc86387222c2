// The M-Pin mobile guide in Chromium: the "phone" is Chromium with the built extension, the "PC" is a second
// Chromium without it, both against the real reference server (free ports, temporary DATA_DIR). Registration with
// activation through the mailbox, PIN setup, a remote sign-in with the access number shown on the PC, sign-out from
// the extension, a wrong access number, wrong PINs up to the block and registering again.
//
// Chrome's permission prompt (permissions.request for the service's origin) cannot be answered by automation, so
// the phone loads a copy of the build whose manifest grants http://127.0.0.1/* at install: permissions.request then
// resolves at once, as it does for a user who said yes. Everything else is the build as shipped.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import puppeteer from 'puppeteer-core';
import { register } from 'tsx/esm/api';
import { builtExtension, launchChromium, screenshot } from './helpers.mjs';

register();
const { startServer } = await import('../../server/app.ts');
const { loadConfig } = await import('../../server/config.ts');

const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const EMAIL = 'phone.user@example.com';
const PIN = '2468';

let server, dataDir, phone, pc, extCopy;

/** A copy of the Chrome build whose manifest also grants the test server's host (see the header). */
function grantedCopy() {
  const src = builtExtension('chrome-mv3');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpin-ext-'));
  fs.cpSync(src, dir, { recursive: true });
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  manifest.host_permissions = [...(manifest.host_permissions ?? []), 'http://127.0.0.1/*'];
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));
  return dir;
}

async function openPopup() {
  const page = await phone.browser.newPage();
  await page.setViewport({ width: 420, height: 640 });
  await page.goto(`${phone.origin}/popup.html`);
  await page.waitForSelector('h1');
  return page;
}

const heading = (page) => page.$eval('h1', (h) => h.textContent.trim());
async function waitForHeading(page, pattern, timeout = 20_000) {
  await page.waitForFunction((src) => new RegExp(src, 'i').test(document.querySelector('h1')?.textContent ?? ''), { timeout }, pattern.source);
}
/** Waits for `pattern` in the page's text; on time-out the error says what the page showed instead. */
async function waitForText(page, pattern, timeout = 20_000) {
  try {
    await page.waitForFunction((src) => new RegExp(src, 'i').test(document.body.innerText), { timeout }, pattern.source);
  } catch (e) {
    const shown = await page.evaluate(() => document.body.innerText.replace(/\s+/g, ' ').trim()).catch(() => '?');
    throw new Error(`waited for ${pattern} but the page shows: ${shown.slice(0, 400)}`, { cause: e });
  }
}
/** Clicks the enabled button whose text is exactly `text` (the guide's words). */
async function click(page, text) {
  try {
    await page.waitForFunction((t) => [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === t && !b.disabled), { timeout: 20_000 }, text);
  } catch (e) {
    const shown = await page.evaluate(() => document.body.innerText.replace(/\s+/g, ' ').trim()).catch(() => '?');
    throw new Error(`no enabled button "${text}"; the page shows: ${shown.slice(0, 400)}`, { cause: e });
  }
  await page.evaluate((t) => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === t && !b.disabled).click(), text);
}
/** Types into the input whose label matches `pattern`. */
async function fill(page, pattern, value) {
  const handle = await page.waitForFunction(
    (src) => [...document.querySelectorAll('input')].find((i) => new RegExp(src, 'i').test([...(i.labels ?? [])].map((l) => l.textContent).join(' ') + ' ' + (i.getAttribute('aria-label') ?? ''))),
    { timeout: 20_000 },
    pattern.source,
  );
  await handle.asElement().click({ clickCount: 3 });
  await handle.asElement().type(value);
}

/**
 * Clicks the button with text `text` inside the page's closed shadow roots (the extension's in-page offer). Page
 * scripts cannot reach into a closed root; the DevTools protocol can, which is how a test plays the user's click.
 */
async function clickInClosedShadowRoot(page, text) {
  const client = await page.createCDPSession();
  try {
    for (let i = 0; i < 100; i++) {
      const { root } = await client.send('DOM.getDocument', { depth: -1, pierce: true });
      const stack = [root];
      while (stack.length) {
        const node = stack.pop();
        const label = (node.children ?? []).filter((c) => c.nodeType === 3).map((c) => c.nodeValue).join('').trim();
        if (node.nodeName === 'BUTTON' && label === text) {
          const { model } = await client.send('DOM.getBoxModel', { nodeId: node.nodeId });
          const [x1, y1, , , x3, y3] = model.content;
          await page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2);
          return;
        }
        stack.push(...(node.children ?? []), ...(node.shadowRoots ?? []), ...(node.contentDocument ? [node.contentDocument] : []));
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`no button "${text}" in the page's shadow roots`);
  } finally {
    await client.detach();
  }
}

async function mailboxLink(to) {
  for (let i = 0; i < 100; i++) {
    const mails = await (await fetch(`${server.publicUrl}/mailbox.json`)).json();
    const link = mails.find((m) => m.to === to)?.text.match(/https?:\/\/\S+\/mpinActivate\?\S+/)?.[0];
    if (link) return link;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no activation mail to ${to}`);
}

/** The PC opens the activation link and presses "Confirm and activate". */
async function activateOnPc(to) {
  const page = await pc.newPage();
  await page.goto(await mailboxLink(to));
  await click(page, 'Confirm and activate');
  await waitForText(page, /confirmed|activated/);
  await screenshot(page, 'pc-activation-confirmed.png', 'body');
  await page.close();
}

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpin-ext-e2e-'));
  server = await startServer(loadConfig({ PORT: '0', PRIVATE_PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  extCopy = grantedCopy();
  phone = await launchChromium(extCopy);
  pc = await puppeteer.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS, userDataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'mpin-pc-')) });
});

after(async () => {
  await pc?.close();
  await phone?.close();
  await server?.close();
  for (const d of [dataDir, extCopy]) if (d) fs.rmSync(d, { recursive: true, force: true });
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
    const pcPage = await pc.newPage();
    await pcPage.goto(`${server.publicUrl}/phone-login`);
    await pcPage.waitForFunction(() => /^[0-9]{7}$/.test(document.querySelector('#access-number')?.textContent?.trim() ?? ''), { timeout: 20_000 });
    const accessNumber = await pcPage.$eval('#access-number', (e) => e.textContent.trim());
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
    assert.deepEqual(await site.evaluate(() => [...document.querySelectorAll('#mpin-pin, #mpin-new-pin, input[type="password"]')].map((i) => i.value).filter(Boolean)), []);

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
    const pcPage = await pc.newPage();
    await pcPage.goto(`${server.publicUrl}/phone-login`);
    await pcPage.waitForFunction(() => /^[0-9]{7}$/.test(document.querySelector('#access-number')?.textContent?.trim() ?? ''), { timeout: 20_000 });
    const accessNumber = await pcPage.$eval('#access-number', (e) => e.textContent.trim());
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
