// Issue 11 in the browsers: the built extension as the phone (Chromium, then Firefox) and a Chromium PC that says it
// is Chrome on Windows (its User-Agent), against the real server. An unknown access number is warned at "Next",
// before any PIN; the PIN screen names the PC's browser and OS, its address and how long ago it asked, and counts the
// number's seconds down; the PC shows "Authenticating user …" before the PIN is typed; "This wasn't me" refuses the
// sign-in, and the PC page, still the same page, says so. Needs `npm run build` first.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BROWSER_NAMES, BROWSERS } from './browsers.mjs';
import { Guide, literally } from './flows.mjs';
import { click, launchPc, waitForText } from './guide.mjs';

// (TypeScript, loaded once guide.mjs has registered tsx)
const { WINDOWS_CHROME } = await import('../support/user-agents.ts');

const PIN = '1357';

/** A well-formed number (7 digits, check digit right) that no PC was shown. */
const UNKNOWN_ACCESS_NUMBER = '3141594';

/** The PC's "Sign in with Phone", asked for by Chrome on Windows; the page is marked, to tell a reload. */
async function windowsPcAccessNumber(pcBrowser, base) {
  const page = await pcBrowser.newPage();
  await page.setUserAgent(WINDOWS_CHROME);
  await page.goto(`${base}/phone-login`);
  await page.waitForFunction(
    () => /^[0-9]{7}$/.test(document.querySelector('#access-number')?.textContent?.trim() ?? ''),
    { timeout: 20_000 },
  );
  await page.evaluate(() => (window.sameDocument = true));
  return { page, accessNumber: await page.$eval('#access-number', (e) => e.textContent.trim()) };
}

for (const kind of BROWSERS) {
  describe(`issue 11: the PC's context, "This wasn't me" and the check at "Next", phone in ${BROWSER_NAMES[kind]}`, () => {
    const email = `${kind}.context@example.com`;
    const g = new Guide(kind);
    let pc;
    let popup;
    before(async () => {
      pc = await launchPc(); // the PC says it is Chrome on Windows, whichever browser the phone is
      await g.start({ pc });
      popup = await g.registerFirst(email, PIN);
    });
    after(async () => {
      await g.stop(); // (it leaves a PC it was given open)
      await pc?.close();
    });

    it('warns an unknown access number at "Next", before any PIN', async () => {
      await click(popup, 'Sign in with this M-Pin');
      await g.at(popup, 'access-number');
      await popup.keyboard.type(UNKNOWN_ACCESS_NUMBER);
      await click(popup, 'Next');
      await g.at(popup, 'wrong-access-number', { label: 'wrong-access-number (at "Next")' });
      assert.equal(await popup.$('input[aria-label="PIN"], #pin'), null, 'no PIN field');
      assert.doesNotMatch(await g.shown(popup), /Enter your PIN/);
      await click(popup, 'Cancel');
      await g.at(popup, 'home');
    });

    it('names the PC (Chrome on Windows, its address, when it asked) and counts down; the PC shows who signs in before the PIN', async () => {
      const { page: pcPage, accessNumber } = await windowsPcAccessNumber(g.pc.browser, g.base);
      await g.accessNumberToPin(popup, accessNumber);
      const shown = await g.shown(popup);
      assert.match(shown, /Chrome on Windows · 127\.0\.0\.1 · asked \d+ s ago/);
      assert.match(shown, /Go on only if this is the computer in front of you\./);
      const left = () => popup.$eval('[role="timer"]', (e) => Number(e.textContent.match(/\d+/)?.[0]));
      const first = await left();
      assert.ok(first > 0 && first <= 99, `seconds left: ${first}`);
      await popup.waitForFunction(
        (n) => Number(document.querySelector('[role="timer"]').textContent.match(/\d+/)?.[0]) < n,
        { timeout: 10_000 },
        first,
      );
      await g.shot(popup, 'popup-pin-context.png');

      // before any PIN digit: the PC names the identity (the proven claim, answered to its waiting poll)
      await waitForText(pcPage, literally(`Authenticating user ${email}`));
      await g.shot(pcPage, 'pc-authenticating-user.png');
      await g.loginAndLand(popup, pcPage, PIN, email);
      await pcPage.close();
      await click(popup, 'Start Over');
      await g.at(popup, 'home');
    });

    it('"This wasn\'t me" refuses the sign-in: the PC page says so without a reload, and the number is dead', async () => {
      const { page: pcPage, accessNumber } = await windowsPcAccessNumber(g.pc.browser, g.base);
      await g.accessNumberToPin(popup, accessNumber);
      await click(popup, "This wasn't me");
      await g.at(popup, 'home', { pattern: /sign-in was refused/, label: 'home after "This wasn\'t me"' });
      await waitForText(pcPage, /The sign-in was refused on the phone\./);
      assert.equal(await pcPage.evaluate(() => window.sameDocument), true, 'the PC page was not reloaded');
      await g.shot(pcPage, 'pc-refused.png');

      await click(popup, 'Sign in with this M-Pin');
      await g.at(popup, 'access-number');
      await popup.keyboard.type(accessNumber);
      await click(popup, 'Next');
      await g.at(popup, 'wrong-access-number');
      await click(popup, 'Cancel');
      await pcPage.close();
    });

    it('axe found nothing on the screens these flows reached', () => {
      g.ledger.assertClean([
        'popup: wrong-access-number (at "Next")',
        'popup: pin',
        'popup: home after "This wasn\'t me"',
      ]);
    });
  });
}
