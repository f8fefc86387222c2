// More of the M-Pin mobile guide (issue 5, flows 4, 5, 6's look-alike origin, 7 and 8), each flow written once and
// run in Chromium and in Firefox: the "phone" is the browser with the built extension, the "PC" the same browser
// without it (browsers.mjs), both against the real reference server (free ports, temporary DATA_DIR).
//  - the server restarted between registration and sign-in (same DATA_DIR, same port) loses nothing;
//  - the popup closed and reopened mid access-number entry, on the PIN screen and on the success screen resumes
//    each step; in Chromium the service worker is also stopped each time (Firefox's MV2 background page is
//    persistent and cannot be stopped by automation, so there the popup is only closed);
//  - a look-alike origin (the same server as http://localhost:<port>) gets no sign-in offer, 127.0.0.1 does;
//  - "Add new identity", selecting between two, signing in with the second, "Reset PIN", "Remove Identity";
//  - device revocation by the admin command refuses the next sign-in; unrevoking lets it through again;
//  - an access number left to expire (a second server with a 5 s TTL and no grace, and a new phone; the same PC):
//    the phone says it expired, the PC offers a new one.
// Every popup screen the flows reach is checked with axe; the last test of each browser says what axe found.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BROWSER_NAMES, BROWSERS } from './browsers.mjs';
import { Guide, literally } from './flows.mjs';
import { activationLinks, click, fill, startGuideServer, waitForText } from './guide.mjs';

const { runAdmin } = await import('../../server/admin.ts');

const EMAIL = 'first.user@example.com';
const EMAIL2 = 'second.user@example.com';
const PIN = '1357';
const PIN2 = '8642';
const NEW_PIN2 = '9753';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Clicks the enabled button whose aria-label matches `pattern` (the menu icon, the pencil next to an identity). */
async function clickLabelled(page, pattern) {
  const button = await page
    .waitForFunction(
      (src) =>
        [...document.querySelectorAll('button[aria-label]')].find(
          (b) => new RegExp(src, 'i').test(b.getAttribute('aria-label')) && !b.disabled,
        ),
      { timeout: 20_000 },
      pattern.source,
    )
    .catch((e) => {
      throw new Error(`no enabled button labelled ${pattern}`, { cause: e });
    });
  await button.evaluate((b) => b.click());
}

/** In the menu: selects the identity whose line shows `userId`. */
async function selectInMenu(page, userId) {
  const button = await page.waitForFunction(
    (u) => [...document.querySelectorAll('button.select')].find((b) => b.textContent.includes(u) && !b.disabled),
    { timeout: 20_000 },
    userId,
  );
  await button.evaluate((b) => b.click());
}

const menuUsers = (page) => page.$$eval('button.select .user', (els) => els.map((e) => e.textContent.trim()));
const header = (page) => page.$eval('header', (h) => h.innerText);

for (const kind of BROWSERS) {
  describe(`more of the M-Pin mobile guide in ${BROWSER_NAMES[kind]}`, () => {
    const g = new Guide(kind);
    before(() => g.start());
    after(() => g.stop());

    /** Closes the popup, stops the background where the browser lets a test do so (Chromium), reopens the popup. */
    async function reopen(popup) {
      await popup.close();
      if (!g.phone.stopBackground) return g.openPopup();
      await g.phone.stopBackground();
      return g.phone.openPopupAfterStop();
    }

    it('keeps the registration across a server restart (same DATA_DIR and port): the sign-in after it works', async () => {
      const popup = await g.registerFirst(EMAIL, PIN);
      const { port } = new URL(g.base);
      await g.server.close();
      g.server = await startGuideServer({ DATA_DIR: g.server.dataDir, PORT: port });
      assert.equal(new URL(g.base).port, port);
      await g.remoteSignIn(popup, PIN, EMAIL);
      await popup.close();
    });

    it(`resumes access-number entry after the popup is closed, and every step after it is reopened${
      kind === 'chromium' ? ' with the service worker stopped' : ''
    }`, async () => {
      const { page: pcPage, accessNumber } = await g.pcAccessNumber();
      let popup = await g.openPopup();
      await click(popup, 'Sign in with this M-Pin');
      await g.at(popup, 'access-number');
      await popup.keyboard.type(accessNumber.slice(0, 3));
      await popup.close();

      // reopened: still the access-number screen
      popup = await g.openPopup();
      await g.at(popup, 'access-number');
      popup = await reopen(popup);
      await g.at(popup, 'access-number');
      await popup.keyboard.type(accessNumber);
      await click(popup, 'Next');
      await g.at(popup, 'pin');

      // the PIN screen, with the number, survives a closed popup (and a stopped worker)
      popup = await reopen(popup);
      await g.at(popup, 'pin');
      const shown = await g.shown(popup);
      assert.match(shown, new RegExp(accessNumber));
      assert.match(shown, literally(EMAIL));
      await g.loginAndLand(popup, pcPage, PIN, EMAIL);

      // the success screen (and its sign-out) survives them too
      popup = await reopen(popup);
      await g.at(popup, 'success');
      await click(popup, 'Sign out');
      await pcPage.waitForFunction(() => location.pathname === '/', { timeout: 40_000 });
      await click(popup, 'Start Over');
      await g.at(popup, 'home');
      await pcPage.close();
      await popup.close();
    });

    it('offers sign-in on the added origin only: the same server as http://localhost:<port> gets no offer', async () => {
      const { port } = new URL(g.base);
      const control = await g.phone.browser.newPage();
      await control.goto(`http://127.0.0.1:${port}/`);
      await control.waitForSelector('mpin-authenticator-offer', { timeout: 20_000 });
      await control.close();

      const lookAlike = await g.phone.browser.newPage();
      await lookAlike.goto(`http://localhost:${port}/`);
      await lookAlike.waitForSelector('[data-mpin-pinpad]', { timeout: 20_000 }); // the same page, the same PIN pad
      await sleep(3_000);
      assert.equal(await lookAlike.$('mpin-authenticator-offer'), null, 'no offer on http://localhost');
      await lookAlike.close();
    });

    it('adds a second identity from the menu, selects between the two, signs in with the second', async () => {
      const popup = await g.openPopup();
      await g.at(popup, 'home');
      await clickLabelled(popup, /^Menu$/);
      await g.at(popup, 'menu', { shot: 'popup-menu.png' });
      await click(popup, 'Add new identity');
      await g.at(popup, 'register', { label: 'register (another identity)' });
      await fill(popup, /e-?mail/, EMAIL2);
      await click(popup, 'Setup M-Pin');
      await g.at(popup, 'email-sent');
      await g.finishRegistration(popup, EMAIL2, PIN2);

      await clickLabelled(popup, /^Menu$/);
      await g.at(popup, 'menu', { label: 'menu (two identities)', shot: 'popup-menu-two.png' });
      assert.deepEqual((await menuUsers(popup)).sort(), [EMAIL, EMAIL2].sort());
      await selectInMenu(popup, EMAIL);
      await g.at(popup, 'home');
      assert.match(await header(popup), literally(EMAIL));
      await clickLabelled(popup, /^Menu$/);
      await selectInMenu(popup, EMAIL2);
      await g.at(popup, 'home', { label: 'home (two identities)' });
      assert.match(await header(popup), literally(EMAIL2));

      await g.remoteSignIn(popup, PIN2, EMAIL2);
      await popup.close();
    });

    it('"Reset PIN" → "Yes, Reactivate it": a new activation and PIN; the old PIN is refused, the new one works', async () => {
      const popup = await g.openPopup();
      await clickLabelled(popup, /^Menu$/);
      await clickLabelled(popup, new RegExp(`^Manage ${literally(EMAIL2).source}`));
      await g.at(popup, 'manage', { shot: 'popup-manage.png' });
      await click(popup, 'Reset PIN');
      await g.at(popup, 'confirm-reset', { shot: 'popup-confirm-reset.png' });
      const seen = await activationLinks(g.base, EMAIL2);
      await click(popup, 'Yes, Reactivate it');
      await g.at(popup, 'email-sent', { label: 'email-sent (reset PIN)' });
      await g.activate(EMAIL2, { seen });
      await g.confirmAndSetPin(popup, EMAIL2, NEW_PIN2);
      assert.match(await header(popup), literally(EMAIL2));

      // still two identities, not three
      await clickLabelled(popup, /^Menu$/);
      await g.at(popup, 'menu', { label: 'menu (two identities)' });
      assert.deepEqual((await menuUsers(popup)).sort(), [EMAIL, EMAIL2].sort());
      await selectInMenu(popup, EMAIL2);
      await g.at(popup, 'home');

      const { page: pcPage, accessNumber } = await g.pcAccessNumber();
      await g.accessNumberToPin(popup, accessNumber);
      await popup.keyboard.type(PIN2); // the old PIN
      await click(popup, 'Login');
      await g.at(popup, 'wrong-pin');
      await click(popup, 'Try again');
      await g.at(popup, 'pin');
      await g.loginAndLand(popup, pcPage, NEW_PIN2, EMAIL2);
      await pcPage.close();
      await click(popup, 'Start Over');
      await popup.close();
    });

    it('"Remove Identity" → "Yes, Remove it": the identity is gone from the menu', async () => {
      const popup = await g.openPopup();
      await clickLabelled(popup, /^Menu$/);
      await clickLabelled(popup, new RegExp(`^Manage ${literally(EMAIL2).source}`));
      await g.at(popup, 'manage');
      await click(popup, 'Remove Identity');
      await g.at(popup, 'confirm-remove', { shot: 'popup-confirm-remove.png' });
      await click(popup, 'Yes, Remove it');
      await g.at(popup, 'home');
      assert.match(await header(popup), literally(EMAIL));
      await clickLabelled(popup, /^Menu$/);
      await g.at(popup, 'menu');
      assert.deepEqual(await menuUsers(popup), [EMAIL]);
      await click(popup, 'Back');
      await popup.close();
    });

    it('refuses the sign-in of a device the admin revoked, with a clear message; after unrevoke it works', async () => {
      assert.match((await runAdmin(['revoke', EMAIL], g.server.ctx.storage)).join('\n'), /Revoked/);
      const popup = await g.openPopup();
      await g.at(popup, 'home');
      const { page: pcPage, accessNumber } = await g.pcAccessNumber();
      await g.accessNumberToPin(popup, accessNumber);
      await popup.keyboard.type(PIN);
      await click(popup, 'Login');
      await g.at(popup, 'pin', {
        pattern: /revoked/,
        label: 'pin with a problem (revoked)',
        shot: 'popup-revoked.png',
      });
      assert.match(await g.shown(popup), /may not sign in/);

      assert.match((await runAdmin(['unrevoke', EMAIL], g.server.ctx.storage)).join('\n'), /Unrevoked/);
      await popup.keyboard.type(PIN);
      await click(popup, 'Login');
      await g.at(popup, 'success');
      await pcPage.waitForFunction(() => location.pathname === '/protected', { timeout: 20_000 });
      await pcPage.close();
      await click(popup, 'Start Over');
      await popup.close();
    });

    it('lets an access number expire (a second server with a 5 s TTL and no grace, a new phone): the phone says it expired, the PC offers a new one', async () => {
      const short = new Guide(kind, g.ledger);
      try {
        await short.start({
          serverEnv: { ACCESS_NUMBER_TTL_SECONDS: '5', ACCESS_NUMBER_GRACE_SECONDS: '0' },
          pc: g.pc,
        });
        await expire(short);
      } finally {
        await short.stop();
      }
    });

    it('axe finds no violations on any popup screen of these flows', () => {
      g.ledger.assertClean(
        [
          'home',
          'access-number',
          'pin',
          'success',
          'menu',
          'menu (two identities)',
          'register (another identity)',
          'manage',
          'confirm-reset',
          'email-sent (reset PIN)',
          'wrong-pin',
          'confirm-remove',
          'pin with a problem (revoked)',
          'access-number with a problem (expired)',
        ].map((screen) => `popup: ${screen}`),
      );
    });
  });
}

/** Registers a fresh phone on `g`'s short-lived numbers, lets the PC's number expire before the PIN is sent. */
async function expire(g) {
  const popup = await g.registerFirst(EMAIL, PIN);
  const { page: pcPage, accessNumber } = await g.pcAccessNumber();
  await g.accessNumberToPin(popup, accessNumber);
  // past the number's lifetime as the phone counts it (the service's TTL, 5 s, and the phone's 5 s of grace)
  await sleep(11_000);
  await popup.keyboard.type(PIN);
  await click(popup, 'Login');
  // back on the access-number screen, for the new number
  await g.at(popup, 'access-number', {
    pattern: /expired[^]*Next|Next[^]*expired/,
    label: 'access-number with a problem (expired)',
    shot: 'popup-expired.png',
  });

  await pcPage.waitForSelector('#access-number-new:not([hidden])', { timeout: 20_000 });
  await waitForText(pcPage, /expired/);
  await g.shot(pcPage, 'pc-access-number-expired.png');
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
}
