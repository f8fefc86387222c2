// Several services and the popup's looks (issue 10), each flow written once and run in Chromium and in Firefox
// against two real reference servers (two origins of 127.0.0.1; the second needs no activation and asks for no
// device name):
//  - "Add a service" from the menu adds the second service; "Add new identity" then registers on it by picking it
//    on the form; the menu names each identity's service;
//  - the dark scheme (Chromium: prefers-color-scheme emulated on the popup; Firefox: a second phone whose profile
//    prefers it): the design tokens switch, and axe finds no violation (colour contrast included) on the main
//    screens, message boxes among them;
//  - a 30-character e-mail address of wide letters wraps inside the message box of "Success", "Signed out" and
//    "Access Denied" instead of running past its right edge.
// Every popup screen the flows reach is checked with axe; the last test of each browser says what axe found.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BROWSER_NAMES, BROWSERS, launchPhone } from './browsers.mjs';
import { Guide, literally } from './flows.mjs';
import { click, fill, pcAccessNumber, realClick, startGuideServer } from './guide.mjs';

const EMAIL = 'services.user@example.com';
const PIN = '1470';
const PIN2 = '2581';
/** 30 characters, and the widest lowercase letter: it cannot fit on one line of a message box. */
const LONG_EMAIL = `${'m'.repeat(20)}@mmmmmm.de`;
const LONG_PIN = '3692';

const openMenu = async (popup) => (await popup.waitForSelector('button[aria-label="Menu"]:not([disabled])')).click();

/** Each identity line of the menu as [user, service]. */
const menuLines = (popup) =>
  popup.$$eval('button.select', (buttons) =>
    buttons.map((b) => [b.querySelector('.user').textContent.trim(), b.querySelector('.service').textContent.trim()]),
  );

/**
 * Where the message box of class `boxClass` that shows `text` in bold stands: whether its content overflows it
 * (scrollWidth past clientWidth), whether every line box of the bold text lies inside it, whether the box lies inside
 * the popup's <main>, and on how many lines the text runs.
 */
function boxOf(popup, boxClass, text) {
  return popup.evaluate(
    (cls, t) => {
      const box = [...document.querySelectorAll(`.${cls}`)].find((b) => b.textContent.includes(t));
      const bold = box && [...box.querySelectorAll('strong')].find((s) => s.textContent === t);
      if (!box || !bold) return undefined;
      const outer = box.getBoundingClientRect();
      const main = document.querySelector('main').getBoundingClientRect();
      const lines = [...bold.getClientRects()];
      return {
        overflow: box.scrollWidth - box.clientWidth,
        textInside: lines.every((r) => r.left >= outer.left - 0.5 && r.right <= outer.right + 0.5),
        boxInside: outer.left >= main.left - 0.5 && outer.right <= main.right + 0.5,
        lines: lines.length,
      };
    },
    boxClass,
    text,
  );
}

async function assertWrapsInside(popup, boxClass, where) {
  const box = await boxOf(popup, boxClass, LONG_EMAIL);
  assert.ok(box, `${where}: no .${boxClass} box shows ${LONG_EMAIL} in bold`);
  assert.ok(box.lines > 1, `${where}: the address should need more than one line (${box.lines})`);
  assert.deepEqual(
    { overflow: box.overflow <= 0, textInside: box.textInside, boxInside: box.boxInside },
    { overflow: true, textInside: true, boxInside: true },
    `${where}: the address runs past the box (${JSON.stringify(box)})`,
  );
}

for (const kind of BROWSERS) {
  describe(`several services and the popup's looks in ${BROWSER_NAMES[kind]}`, () => {
    const g = new Guide(kind);
    let second;
    const secondHost = () => new URL(second.publicUrl).host;
    before(async () => {
      await g.start();
      second = await startGuideServer({ REQUIRE_ACTIVATION: 'false', SET_DEVICE_NAME: 'false' });
    });
    after(async () => {
      await second?.stop();
      await g.stop();
    });

    it('adds a second service from the menu, registers on it by picking it, and the menu names each service', async () => {
      const popup = await g.registerFirst(EMAIL, PIN);
      await openMenu(popup);
      await g.at(popup, 'menu');
      await click(popup, 'Add a service');
      await g.at(popup, 'add-service', { label: 'add-service (from the menu)', shot: 'popup-add-a-service.png' });
      await g.addService(popup, second.publicUrl);
      // the form is for the new service, and offers both
      const options = await popup.$$eval('select option', (os) => os.map((o) => [o.value, o.selected]));
      assert.deepEqual(
        options.sort(),
        [
          [g.base, false],
          [second.publicUrl, true],
        ].sort(),
      );

      // back home, then "Add new identity": the form of the current identity's service, where the user picks the new one
      await click(popup, 'Cancel');
      await g.at(popup, 'home');
      await openMenu(popup);
      await click(popup, 'Add new identity');
      await g.at(popup, 'register', { label: 'register (two services)', shot: 'popup-register-pick.png' });
      assert.equal(await popup.$eval('select', (s) => s.value), g.base);
      assert.ok(await popup.$('input[autocomplete="off"][maxlength="64"]'), 'the first service asks for a device name');
      await popup.select('select', second.publicUrl);
      await popup.waitForFunction(() => !document.querySelector('input[maxlength="64"]'));
      await fill(popup, /e-?mail/, EMAIL);
      await click(popup, 'Setup M-Pin');
      // the second service needs no activation: straight to the PIN
      await g.at(popup, 'setup-pin');
      await popup.keyboard.type(PIN2);
      await click(popup, 'SETUP');
      await g.at(popup, 'home');
      assert.match(await popup.$eval('header', (h) => h.innerText), literally(secondHost()));

      await openMenu(popup);
      await g.at(popup, 'menu', { label: 'menu (two services)', shot: 'popup-menu-services.png' });
      assert.deepEqual(
        (await menuLines(popup)).sort(),
        [
          [EMAIL, new URL(g.base).host],
          [EMAIL, secondHost()],
        ].sort(),
      );
      await click(popup, 'Back');
      await g.at(popup, 'home');
      await popup.close();
    });

    it('dark scheme: the tokens switch, and axe finds no violation on the main screens', async () => {
      const dark = (label) => ({ label: `${label} (dark)` });
      // Chromium emulates the scheme on the popup's page; Firefox cannot, so there a second phone prefers it
      const darkPhone =
        kind === 'firefox' ? await launchPhone(kind, { firefoxPrefs: { 'ui.systemUsesDarkTheme': 1 } }) : undefined;
      try {
        const popup = darkPhone ? await darkPhone.openPopup() : await g.openPopup();
        if (darkPhone) {
          // a new phone: the second service and an identity there first
          await g.at(popup, 'add-service', dark('add-service, first'));
          await fill(popup, /service url/i, second.publicUrl);
          await realClick(popup, 'Add service');
          await g.at(popup, 'register', dark('register, one service'));
          await fill(popup, /e-?mail/, EMAIL);
          await click(popup, 'Setup M-Pin');
          await g.at(popup, 'setup-pin', dark('setup-pin'));
          await popup.keyboard.type(PIN2);
          await click(popup, 'SETUP');
        } else {
          await popup.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
        }
        await g.at(popup, 'home', dark('home'));
        const colours = await popup.evaluate(() => [
          getComputedStyle(document.documentElement).backgroundColor,
          getComputedStyle(document.documentElement).color,
        ]);
        assert.deepEqual(colours, ['rgb(22, 27, 34)', 'rgb(230, 237, 243)']);

        await openMenu(popup);
        await g.at(popup, 'menu', dark('menu'));
        await click(popup, 'Add new identity');
        await g.at(popup, 'register', dark('register'));
        await click(popup, 'Cancel');
        await openMenu(popup);
        await click(popup, 'Add a service');
        await g.at(popup, 'add-service', dark('add-service'));
        await fill(popup, /service url/i, 'ftp://example.org');
        await realClick(popup, 'Add service');
        await g.at(popup, 'add-service', { pattern: /not a service address/, label: 'add-service problem (dark)' });
        await click(popup, 'Cancel');

        // a remote sign-in on the second service: access number, PIN, a wrong PIN, success, sign-out
        await g.at(popup, 'home');
        const { page: pcPage, accessNumber } = await pcAccessNumber(g.pc.browser, second.publicUrl);
        await click(popup, 'Sign in with this M-Pin');
        await g.at(popup, 'access-number', dark('access-number'));
        await popup.keyboard.type(accessNumber);
        await click(popup, 'Next');
        await g.at(popup, 'pin', dark('pin'));
        await popup.keyboard.type('0000');
        await click(popup, 'Login');
        await g.at(popup, 'wrong-pin', dark('wrong-pin'));
        await click(popup, 'Try again');
        await g.at(popup, 'pin');
        await popup.keyboard.type(PIN2);
        await click(popup, 'Login');
        await g.at(popup, 'success', { ...dark('success'), shot: 'popup-success-dark.png' });
        await pcPage.waitForFunction(() => location.pathname === '/protected', { timeout: 20_000 });
        await click(popup, 'Sign out');
        await g.at(popup, 'signed-out', dark('signed-out'));
        await click(popup, 'Start Over');
        await g.at(popup, 'home');
        await pcPage.close();
        await popup.close();
      } finally {
        await darkPhone?.close();
      }
    });

    it(`a 30-character e-mail address wraps inside the box of "Success", "Signed out" and "Access Denied"`, async () => {
      const popup = await g.openPopup();
      await g.at(popup, 'home');
      await openMenu(popup);
      await click(popup, 'Add new identity');
      await g.at(popup, 'register');
      await popup.select('select', g.base);
      await g.submitRegistration(popup, LONG_EMAIL);
      await g.finishRegistration(popup, LONG_EMAIL, LONG_PIN);

      const { page: pcPage, accessNumber } = await g.pcAccessNumber();
      await g.accessNumberToPin(popup, accessNumber);
      await g.loginAndLand(popup, pcPage, LONG_PIN, LONG_EMAIL);
      await g.shot(popup, 'popup-success-long-email.png');
      await assertWrapsInside(popup, 'ok', 'Success');
      await click(popup, 'Sign out');
      await g.at(popup, 'signed-out', { label: 'signed-out (long e-mail)' });
      await assertWrapsInside(popup, 'ok', 'Signed out');
      await pcPage.close();
      await click(popup, 'Start Over');
      await g.at(popup, 'home');

      // three wrong PINs: the identity is removed ("Access Denied")
      const next = await g.pcAccessNumber();
      await g.accessNumberToPin(popup, next.accessNumber);
      for (let attempt = 1; attempt <= 3; attempt++) {
        await popup.keyboard.type('0000');
        await click(popup, 'Login');
        if (attempt === 3) break;
        await g.at(popup, 'wrong-pin');
        await click(popup, 'Try again');
        await g.at(popup, 'pin');
      }
      await g.at(popup, 'blocked', { label: 'blocked (long e-mail)', shot: 'popup-blocked-long-email.png' });
      await assertWrapsInside(popup, 'warning', 'Access Denied');
      await next.page.close();
      await popup.close();
    });

    it('axe finds no violations on any popup screen of these flows', () => {
      g.ledger.assertClean(
        [
          'add-service (from the menu)',
          'register (two services)',
          'menu (two services)',
          'signed-out (long e-mail)',
          'blocked (long e-mail)',
          'home (dark)',
          'menu (dark)',
          'register (dark)',
          'add-service (dark)',
          'add-service problem (dark)',
          'access-number (dark)',
          'pin (dark)',
          'wrong-pin (dark)',
          'success (dark)',
          'signed-out (dark)',
          ...(kind === 'firefox'
            ? ['add-service, first (dark)', 'register, one service (dark)', 'setup-pin (dark)']
            : []),
        ].map((screen) => `popup: ${screen}`),
      );
    });
  });
}
