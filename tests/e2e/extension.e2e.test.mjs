// The M-Pin mobile guide, each flow written once and run in Chromium and in Firefox: the "phone" is the browser with
// the built extension, the "PC" the same browser without it (browsers.mjs), both against the real reference server
// (free ports, temporary DATA_DIR). Registration with activation through the mailbox and PIN setup; a remote sign-in
// with the access number (and its countdown) shown on the PC, and sign-out from the extension; sign-in on this
// browser through the content script's offer; a wrong access number, wrong PINs up to the block and registering
// again. Every popup screen the flows reach is checked with axe (the last test of each browser says what axe found).
// The Chromium run writes the README's screenshots (npm run screenshots runs this file).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BROWSER_NAMES, BROWSERS } from './browsers.mjs';
import { Guide, literally, SCREENS } from './flows.mjs';
import { activationLinks, click, fill, waitForText } from './guide.mjs';

const PIN = '2468';
const OFFER = 'Sign in with M-Pin Authenticator';

for (const kind of BROWSERS) {
  describe(`the M-Pin mobile guide in ${BROWSER_NAMES[kind]}`, () => {
    const email = `${kind}.user@example.com`;
    const g = new Guide(kind);
    before(() => g.start());
    after(() => g.stop());

    it('registers: adds the service, "Setup M-Pin", activation from the mailbox, "I confirmed my email", PIN "SETUP"', async () => {
      const popup = await g.openPopup();
      await g.addService(popup, g.base, true);
      await g.submitRegistration(popup, email, `${BROWSER_NAMES[kind]} phone`, true);

      // too early: the link was not used yet
      await click(popup, 'I confirmed my email');
      await g.at(popup, 'email-sent', {
        pattern: /not (been )?confirmed|confirm.*first|not verified/,
        label: 'email-sent with a problem (not confirmed yet)',
      });

      // the popup can close and reopen mid-registration
      await popup.close();
      await g.activate(email, { shot: true });
      const again = await g.openPopup();
      await g.at(again, 'email-sent');
      await g.confirmAndSetPin(again, email, PIN, true);
      await again.close();
    });

    it('signs the PC in with the access number (counting down) and PIN, and signs it out again', async () => {
      const { page: pcPage, accessNumber } = await g.pcAccessNumber();
      const countdown = () => pcPage.$eval('#access-number-countdown', (e) => Number(e.textContent.trim()));
      const first = await countdown();
      assert.ok(first > 0 && first <= 99, `the countdown shows the seconds left (${first})`);
      await pcPage.waitForFunction(
        (n) => Number(document.querySelector('#access-number-countdown').textContent) < n,
        {
          timeout: 10_000,
        },
        first,
      );
      await g.shot(pcPage, 'pc-phone-login.png');

      const popup = await g.openPopup();
      await g.accessNumberToPin(popup, accessNumber, true);
      // before the PIN: which service and which identity (R4)
      const pinScreen = await g.shown(popup);
      assert.match(pinScreen, /127\.0\.0\.1/);
      assert.match(pinScreen, literally(email));
      await g.loginAndLand(popup, pcPage, PIN, email, true);
      await g.shot(pcPage, 'pc-protected.png');

      await click(popup, 'Sign out');
      await pcPage.waitForFunction(() => location.pathname === '/', { timeout: 40_000 });
      await g.at(popup, 'signed-out');
      await popup.close();
      await pcPage.close();
    });

    it('signs this browser in on the demo page: the content script offers it, the PIN goes into the extension', async () => {
      const site = await g.phone.browser.newPage();
      await site.goto(`${g.base}/`);
      await site.waitForSelector('mpin-authenticator-offer', { timeout: 20_000 });
      await g.shot(site, 'phone-site-offer.png');
      await g.phone.clickOfferButton(site, OFFER);

      // the PIN is typed into the extension's own page, never into the site
      const popup = await g.openPopup();
      await g.at(popup, 'pin', { label: 'pin (this browser)', shot: 'popup-pin-local.png' });
      const shown = await g.shown(popup);
      assert.match(shown, /127\.0\.0\.1/);
      assert.match(shown, literally(email));
      await popup.keyboard.type(PIN);
      // the page's own PIN fields are still empty with the PIN typed: it never went into the page
      assert.deepEqual(
        await site.evaluate(() =>
          [...document.querySelectorAll('#mpin-pin, #mpin-new-pin, input[type="password"]')]
            .map((i) => i.value)
            .filter(Boolean),
        ),
        [],
      );
      await click(popup, 'Login');
      await site.waitForFunction(() => location.pathname === '/protected', { timeout: 30_000 });
      await waitForText(site, literally(email));
      await g.at(popup, 'success', { label: 'success (this browser)' });
      await popup.close();
      await site.close();
    });

    it('warns of a wrong access number, and blocks the identity after three wrong PINs; register again works', async () => {
      const popup = await g.openPopup();
      // reopened after a sign-in: the success screen stays until the user leaves it
      await waitForText(popup, /signed in|signed out/);
      await click(popup, 'Start Over');
      await g.at(popup, 'home');
      await click(popup, 'Sign in with this M-Pin');
      await g.at(popup, 'access-number');
      // a bad check digit: refused before anything is sent
      await popup.keyboard.type('1234567');
      await click(popup, 'Next');
      await g.at(popup, 'access-number', {
        pattern: /not valid/,
        label: 'access-number with an invalid number',
        shot: 'popup-wrong-access-number.png',
      });

      // a well-formed number that the service never issued: a warning, and "Try again"; a service that checks the
      // number at "Next" (issue 11) warns before any PIN, one that does not answers the PIN with 412
      const unknown = '1234560'; // check value of 123456 is 0
      await fill(popup, /Access number/, unknown);
      await click(popup, 'Next');
      await waitForText(popup, new RegExp(`${SCREENS.pin.source}|${SCREENS['wrong-access-number'].source}`));
      if (SCREENS.pin.test(await g.shown(popup))) {
        await g.at(popup, 'pin');
        await popup.keyboard.type(PIN);
        await click(popup, 'Login');
      }
      await g.at(popup, 'wrong-access-number', { shot: 'popup-unknown-access-number.png' });
      await click(popup, 'Try again');
      await g.at(popup, 'access-number');

      // the PC's real number, then three wrong PINs on it (Milagro lets the phone retry with the same number)
      const { page: pcPage, accessNumber } = await g.pcAccessNumber();
      await popup.keyboard.type(accessNumber);
      await click(popup, 'Next');
      for (let attempt = 1; attempt <= 3; attempt++) {
        await g.at(popup, 'pin');
        await popup.keyboard.type('1111');
        await click(popup, 'Login');
        if (attempt < 3) {
          await g.at(popup, 'wrong-pin', { shot: attempt === 1 && 'popup-wrong-pin.png' });
          await click(popup, 'Try again');
        }
      }
      await g.at(popup, 'blocked', { shot: 'popup-blocked.png' });
      await click(popup, 'Register again');
      await g.at(popup, 'register', { label: 'register (again)' });
      assert.equal(await popup.$eval('input[type="email"]', (i) => i.value), email);
      const seen = await activationLinks(g.base, email);
      await click(popup, 'Setup M-Pin');
      await g.at(popup, 'email-sent');
      await g.finishRegistration(popup, email, PIN, { seen });
      await pcPage.close();
      await popup.close();
    });

    it('axe finds no violations on any popup screen of these flows', () => {
      g.ledger.assertClean(
        [
          'add-service',
          'register',
          'email-sent',
          'email-sent with a problem (not confirmed yet)',
          'setup-pin',
          'home',
          'access-number',
          'access-number with an invalid number',
          'pin',
          'pin (this browser)',
          'success',
          'success (this browser)',
          'signed-out',
          'wrong-access-number',
          'wrong-pin',
          'blocked',
        ].map((screen) => `popup: ${screen}`),
      );
    });
  });
}
