// More of the M-Pin mobile guide in Chromium (issue 5, flows 4, 5, 6's look-alike origin, 7 and 8): the "phone" is
// Chromium with chromeBuildWithHostGranted() (guide.mjs), the "PC" a second Chromium without the extension, both
// against the real reference server (free ports, temporary DATA_DIR).
//  - the server restarted between registration and sign-in (same DATA_DIR, same port) loses nothing;
//  - the popup closed and reopened mid access-number entry, and the service worker stopped between steps, resume;
//  - a look-alike origin (the same server as http://localhost:<port>) gets no sign-in offer, 127.0.0.1 does;
//  - "Add new identity", selecting between two, signing in with the second, "Reset PIN", "Remove Identity";
//  - device revocation by the admin command refuses the next sign-in; unrevoking lets it through again;
//  - an access number left to expire (a second server with a 5 s TTL and no grace): the phone says it expired,
//    the PC offers a new one.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { launchChromium, screenshot } from './helpers.mjs';
import {
  activateOnPc,
  chromeBuildWithHostGranted,
  click,
  fill,
  launchPc,
  pcAccessNumber,
  startGuideServer,
  waitForText,
} from './guide.mjs';

const { runAdmin } = await import('../../server/admin.ts');

const EMAIL = 'first.user@example.com';
const EMAIL2 = 'second.user@example.com';
const PIN = '1357';
const PIN2 = '8642';
const NEW_PIN2 = '9753';
const re = (s) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let server, phone, pcLaunch, pc, extCopy;

async function openPopup(browser = phone) {
  const page = await browser.browser.newPage();
  await page.setViewport({ width: 420, height: 640 });
  await page.goto(`${browser.origin}/popup.html`);
  await page.waitForSelector('h1');
  return page;
}

/** Clicks the enabled button whose aria-label matches `pattern` (the menu icon, the pencil next to an identity). */
async function clickLabelled(page, pattern) {
  try {
    await page.waitForFunction(
      (src) =>
        [...document.querySelectorAll('button[aria-label]')].some(
          (b) => new RegExp(src, 'i').test(b.getAttribute('aria-label')) && !b.disabled,
        ),
      { timeout: 20_000 },
      pattern.source,
    );
  } catch (e) {
    throw new Error(`no enabled button labelled ${pattern}`, { cause: e });
  }
  await page.evaluate(
    (src) =>
      [...document.querySelectorAll('button[aria-label]')]
        .find((b) => new RegExp(src, 'i').test(b.getAttribute('aria-label')) && !b.disabled)
        .click(),
    pattern.source,
  );
}

/** In the menu: selects the identity whose line shows `userId`. */
async function selectInMenu(page, userId) {
  await page.waitForFunction(
    (u) => [...document.querySelectorAll('button.select')].some((b) => b.textContent.includes(u) && !b.disabled),
    { timeout: 20_000 },
    userId,
  );
  await page.evaluate(
    (u) => [...document.querySelectorAll('button.select')].find((b) => b.textContent.includes(u)).click(),
    userId,
  );
}

const menuUsers = (page) => page.$$eval('button.select .user', (els) => els.map((e) => e.textContent.trim()));

/** Activation links mailed to `to`, all of them. */
async function linksTo(base, to) {
  const mails = await (await fetch(`${base}/mailbox.json`)).json();
  return mails
    .filter((m) => m.to === to)
    .map((m) => m.text.match(/https?:\/\/\S+\/mpinActivate\?\S+/)?.[0])
    .filter(Boolean);
}

/** The PC opens the first activation link to `to` that is not in `seen` and presses "Confirm and activate". */
async function activateNewLink(base, to, seen) {
  for (let i = 0; i < 100; i++) {
    const link = (await linksTo(base, to)).find((l) => !seen.includes(l));
    if (link) {
      const page = await pc.newPage();
      await page.goto(link);
      await click(page, 'Confirm and activate');
      await waitForText(page, /confirmed|activated/);
      await page.close();
      return;
    }
    await sleep(100);
  }
  throw new Error(`no new activation mail to ${to}`);
}

/** From the e-mail-sent screen: activation on the PC, "I confirmed my email", the PIN and "SETUP", then home. */
async function finishRegistration(popup, base, email, pin) {
  await waitForText(popup, /I confirmed my email/);
  await activateOnPc(pc, base, email);
  await click(popup, 'I confirmed my email');
  await waitForText(popup, /SETUP/);
  await popup.keyboard.type(pin);
  await click(popup, 'SETUP');
  await waitForText(popup, /Sign in with this M-Pin/);
}

/** A fresh phone's first registration: the service's URL, the e-mail, activation, PIN. */
async function registerFirst(browser, base, email, pin) {
  const popup = await openPopup(browser);
  await fill(popup, /url|address of the service|service/, base);
  await click(popup, 'Add service');
  await waitForText(popup, /Setup M-Pin/);
  await fill(popup, /e-?mail/, email);
  await click(popup, 'Setup M-Pin');
  await finishRegistration(popup, base, email, pin);
  return popup;
}

/** From the identity home: the PC's access number typed, "Next"; resolves on the PIN screen. */
async function accessNumberToPin(popup, accessNumber) {
  await click(popup, 'Sign in with this M-Pin');
  await waitForText(popup, /Next/);
  await popup.keyboard.type(accessNumber);
  await click(popup, 'Next');
  await waitForText(popup, /Login/);
}

/** The PIN and "Login"; the phone shows the success and the PC lands on the protected page as `email`. */
async function loginAndLand(popup, pcPage, pin, email) {
  await popup.keyboard.type(pin);
  await click(popup, 'Login');
  await waitForText(popup, /signed in as/);
  await pcPage.waitForFunction(() => location.pathname === '/protected', { timeout: 20_000 });
  await waitForText(pcPage, re(email));
}

/** A whole remote sign-in from the identity home; back home ("Start Over") after it. */
async function remoteSignIn(popup, pin, email) {
  const { page: pcPage, accessNumber } = await pcAccessNumber(pc, server.publicUrl);
  await accessNumberToPin(popup, accessNumber);
  assert.match(await popup.evaluate(() => document.body.innerText), re(email));
  await loginAndLand(popup, pcPage, pin, email);
  await pcPage.close();
  await click(popup, 'Start Over');
  await waitForText(popup, /Sign in with this M-Pin/);
}

/** The service worker of the phone's extension, stopped through the DevTools protocol; resolves once it is gone. */
async function stopServiceWorker() {
  const cdp = await phone.browser.target().createCDPSession();
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const worker = targetInfos.find(isOurWorker);
    assert.ok(worker, 'the extension service worker runs');
    await cdp.send('Target.closeTarget', { targetId: worker.targetId });
    for (let i = 0; i < 100; i++) {
      const { targetInfos: now } = await cdp.send('Target.getTargets');
      if (!now.some(isOurWorker)) return;
      await sleep(100);
    }
    throw new Error('the service worker did not stop');
  } finally {
    await cdp.detach();
  }
}
const isOurWorker = (t) => t.type === 'service_worker' && t.url.startsWith(phone.origin);

/**
 * The popup opened after stopServiceWorker(): its message starts the worker again. Puppeteer holds a restarted
 * worker that it had attached to before (launchChromium's `target.worker()`) paused "waiting for the debugger" and
 * never releases it, which a person's browser does not do; so the test releases it (Runtime.runIfWaitingForDebugger).
 */
async function openPopupAfterStop() {
  const popup = await openPopup();
  const cdp = await phone.browser.target().createCDPSession();
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
}

before(async () => {
  server = await startGuideServer();
  extCopy = chromeBuildWithHostGranted();
  phone = await launchChromium(extCopy);
  pcLaunch = await launchPc();
  pc = pcLaunch.browser;
});

after(async () => {
  await pcLaunch?.close();
  await phone?.close();
  await server?.stop();
  if (extCopy) fs.rmSync(extCopy, { recursive: true, force: true });
});

describe('more of the M-Pin mobile guide in Chromium', () => {
  it('keeps the registration across a server restart (same DATA_DIR and port): the sign-in after it works', async () => {
    const popup = await registerFirst(phone, server.publicUrl, EMAIL, PIN);
    const { port } = new URL(server.publicUrl);
    await server.close();
    server = await startGuideServer({ DATA_DIR: server.dataDir, PORT: port });
    assert.equal(new URL(server.publicUrl).port, port);
    await remoteSignIn(popup, PIN, EMAIL);
    await popup.close();
  });

  it('resumes access-number entry after the popup is closed, and every step after the service worker is stopped', async () => {
    const { page: pcPage, accessNumber } = await pcAccessNumber(pc, server.publicUrl);
    let popup = await openPopup();
    await click(popup, 'Sign in with this M-Pin');
    await waitForText(popup, /Next/);
    await popup.keyboard.type(accessNumber.slice(0, 3));
    await popup.close();

    // reopened: still the access-number screen
    popup = await openPopup();
    await waitForText(popup, /Enter the access number/);
    await stopServiceWorker();
    await popup.close();
    popup = await openPopupAfterStop();
    await waitForText(popup, /Enter the access number/);
    await popup.keyboard.type(accessNumber);
    await click(popup, 'Next');
    await waitForText(popup, /Login/);

    // the PIN screen, with the number, survives a closed popup and a stopped worker
    await popup.close();
    await stopServiceWorker();
    popup = await openPopupAfterStop();
    await waitForText(popup, /Login/);
    const shown = await popup.evaluate(() => document.body.innerText);
    assert.match(shown, new RegExp(accessNumber));
    assert.match(shown, re(EMAIL));
    await loginAndLand(popup, pcPage, PIN, EMAIL);

    // the success screen (and its sign-out) survives a stopped worker too
    await popup.close();
    await stopServiceWorker();
    popup = await openPopupAfterStop();
    await waitForText(popup, /signed in as/);
    await click(popup, 'Sign out');
    await pcPage.waitForFunction(() => location.pathname === '/', { timeout: 40_000 });
    await click(popup, 'Start Over');
    await waitForText(popup, /Sign in with this M-Pin/);
    await pcPage.close();
    await popup.close();
  });

  it('offers sign-in on the added origin only: the same server as http://localhost:<port> gets no offer', async () => {
    const { port } = new URL(server.publicUrl);
    const control = await phone.browser.newPage();
    await control.goto(`http://127.0.0.1:${port}/`);
    await control.waitForSelector('mpin-authenticator-offer', { timeout: 20_000 });
    await control.close();

    const lookAlike = await phone.browser.newPage();
    await lookAlike.goto(`http://localhost:${port}/`);
    await lookAlike.waitForSelector('[data-mpin-pinpad]', { timeout: 20_000 }); // the same page, the same PIN pad
    await sleep(3_000);
    assert.equal(await lookAlike.$('mpin-authenticator-offer'), null, 'no offer on http://localhost');
    await lookAlike.close();
  });

  it('adds a second identity from the menu, selects between the two, signs in with the second', async () => {
    const popup = await openPopup();
    await waitForText(popup, /Sign in with this M-Pin/);
    await clickLabelled(popup, /^Menu$/);
    await waitForText(popup, /Add new identity/);
    await screenshot(popup, 'popup-menu.png', 'body');
    await click(popup, 'Add new identity');
    await waitForText(popup, /Setup M-Pin/);
    await fill(popup, /e-?mail/, EMAIL2);
    await click(popup, 'Setup M-Pin');
    await finishRegistration(popup, server.publicUrl, EMAIL2, PIN2);

    await clickLabelled(popup, /^Menu$/);
    await waitForText(popup, /Add new identity/);
    assert.deepEqual((await menuUsers(popup)).sort(), [EMAIL, EMAIL2].sort());
    await screenshot(popup, 'popup-menu-two.png', 'body');
    await selectInMenu(popup, EMAIL);
    await waitForText(popup, /Sign in with this M-Pin/);
    assert.match(await popup.$eval('header', (h) => h.innerText), re(EMAIL));
    await clickLabelled(popup, /^Menu$/);
    await selectInMenu(popup, EMAIL2);
    await waitForText(popup, /Sign in with this M-Pin/);
    assert.match(await popup.$eval('header', (h) => h.innerText), re(EMAIL2));

    await remoteSignIn(popup, PIN2, EMAIL2);
    await popup.close();
  });

  it('"Reset PIN" → "Yes, Reactivate it": a new activation and PIN; the old PIN is refused, the new one works', async () => {
    const popup = await openPopup();
    await clickLabelled(popup, /^Menu$/);
    await clickLabelled(popup, new RegExp(`^Manage ${re(EMAIL2).source}`));
    await waitForText(popup, /Reset PIN/);
    await screenshot(popup, 'popup-manage.png', 'body');
    await click(popup, 'Reset PIN');
    await waitForText(popup, /Yes, Reactivate it/);
    await screenshot(popup, 'popup-confirm-reset.png', 'body');
    const seen = await linksTo(server.publicUrl, EMAIL2);
    await click(popup, 'Yes, Reactivate it');
    await waitForText(popup, /I confirmed my email/);
    await activateNewLink(server.publicUrl, EMAIL2, seen);
    await click(popup, 'I confirmed my email');
    await waitForText(popup, /SETUP/);
    await popup.keyboard.type(NEW_PIN2);
    await click(popup, 'SETUP');
    await waitForText(popup, /Sign in with this M-Pin/);
    assert.match(await popup.$eval('header', (h) => h.innerText), re(EMAIL2));

    // still two identities, not three
    await clickLabelled(popup, /^Menu$/);
    await waitForText(popup, /Add new identity/);
    assert.deepEqual((await menuUsers(popup)).sort(), [EMAIL, EMAIL2].sort());
    await selectInMenu(popup, EMAIL2);
    await waitForText(popup, /Sign in with this M-Pin/);

    const { page: pcPage, accessNumber } = await pcAccessNumber(pc, server.publicUrl);
    await accessNumberToPin(popup, accessNumber);
    await popup.keyboard.type(PIN2); // the old PIN
    await click(popup, 'Login');
    await waitForText(popup, /Incorrect PIN/);
    await click(popup, 'Try again');
    await waitForText(popup, /Login/);
    await loginAndLand(popup, pcPage, NEW_PIN2, EMAIL2);
    await pcPage.close();
    await click(popup, 'Start Over');
    await popup.close();
  });

  it('"Remove Identity" → "Yes, Remove it": the identity is gone from the menu', async () => {
    const popup = await openPopup();
    await clickLabelled(popup, /^Menu$/);
    await clickLabelled(popup, new RegExp(`^Manage ${re(EMAIL2).source}`));
    await click(popup, 'Remove Identity');
    await waitForText(popup, /Yes, Remove it/);
    await screenshot(popup, 'popup-confirm-remove.png', 'body');
    await click(popup, 'Yes, Remove it');
    await waitForText(popup, /Sign in with this M-Pin/);
    assert.match(await popup.$eval('header', (h) => h.innerText), re(EMAIL));
    await clickLabelled(popup, /^Menu$/);
    await waitForText(popup, /Add new identity/);
    assert.deepEqual(await menuUsers(popup), [EMAIL]);
    await click(popup, 'Back');
    await popup.close();
  });

  it('refuses the sign-in of a device the admin revoked, with a clear message; after unrevoke it works', async () => {
    assert.match((await runAdmin(['revoke', EMAIL], server.ctx.storage)).join('\n'), /Revoked/);
    const popup = await openPopup();
    await waitForText(popup, /Sign in with this M-Pin/);
    const { page: pcPage, accessNumber } = await pcAccessNumber(pc, server.publicUrl);
    await accessNumberToPin(popup, accessNumber);
    await popup.keyboard.type(PIN);
    await click(popup, 'Login');
    await waitForText(popup, /revoked/);
    assert.match(await popup.evaluate(() => document.body.innerText), /may not sign in/);
    await screenshot(popup, 'popup-revoked.png', 'body');

    assert.match((await runAdmin(['unrevoke', EMAIL], server.ctx.storage)).join('\n'), /Unrevoked/);
    await waitForText(popup, /Login/);
    await popup.keyboard.type(PIN);
    await click(popup, 'Login');
    await waitForText(popup, /signed in as/);
    await pcPage.waitForFunction(() => location.pathname === '/protected', { timeout: 20_000 });
    await pcPage.close();
    await click(popup, 'Start Over');
    await popup.close();
  });
});

describe('an access number left to expire (a server with a 5 s TTL and no grace)', () => {
  let shortServer, shortPhone, shortExt;
  before(async () => {
    shortServer = await startGuideServer({ ACCESS_NUMBER_TTL_SECONDS: '5', ACCESS_NUMBER_GRACE_SECONDS: '0' });
    shortExt = chromeBuildWithHostGranted();
    shortPhone = await launchChromium(shortExt);
  });
  after(async () => {
    await shortPhone?.close();
    await shortServer?.stop();
    if (shortExt) fs.rmSync(shortExt, { recursive: true, force: true });
  });

  it('tells the phone the number expired, and the PC offers a new one', async () => {
    const popup = await registerFirst(shortPhone, shortServer.publicUrl, EMAIL, PIN);
    const { page: pcPage, accessNumber } = await pcAccessNumber(pc, shortServer.publicUrl);
    await accessNumberToPin(popup, accessNumber);
    // past the number's lifetime as the phone counts it (the service's TTL, 5 s, and the phone's 5 s of grace)
    await sleep(11_000);
    await popup.keyboard.type(PIN);
    await click(popup, 'Login');
    await waitForText(popup, /expired/);
    await waitForText(popup, /Next/); // back on the access-number screen, for the new number
    await screenshot(popup, 'popup-expired.png', 'body');

    await pcPage.waitForSelector('#access-number-new:not([hidden])', { timeout: 20_000 });
    await waitForText(pcPage, /expired/);
    await screenshot(pcPage, 'pc-access-number-expired.png', 'body');
    await pcPage.click('#access-number-new');
    await pcPage.waitForFunction(
      (old) =>
        /^[0-9]{7}$/.test(document.querySelector('#access-number')?.textContent?.trim() ?? '') &&
        document.querySelector('#access-number').textContent.trim() !== old,
      { timeout: 20_000 },
      accessNumber,
    );
    await pcPage.close();
    await popup.close();
  });
});
