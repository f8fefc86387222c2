// The popup by keyboard alone, in Chromium and in Firefox (the same flow in both, browsers.mjs): on each main screen
// the focus is on the first field when the screen opens (on a screen without a field, inside the screen), every
// enabled control can be reached with Tab and Shift+Tab, and the guide is walked with Enter and Space only: add the
// service, register through to the e-mail-sent screen, confirm, set the PIN on the on-screen pad, open the menu and
// go back, sign the PC in with the access number and the PIN, sign it out, start over. The mouse is never used.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BROWSER_NAMES, BROWSERS } from './browsers.mjs';
import { Guide } from './flows.mjs';

const PIN = '4826';
/** The space bar, by the key it types: WebDriver BiDi (Firefox) knows no key named "Space". */
const SPACE = ' ';

/**
 * The screen's enabled, visible controls in document order, by their accessible names (aria-label, else the label
 * or the text), which of them has the focus (-1: none), and what has it.
 */
const focusState = (page) =>
  page.evaluate(() => {
    const main = document.querySelector('main');
    const controls = [
      ...main.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'),
    ].filter((e) => !e.disabled && e.getClientRects().length > 0);
    const name = (e) =>
      (e.getAttribute('aria-label') ?? (e.labels?.[0]?.textContent || e.textContent) ?? '').trim().replace(/\s+/g, ' ');
    const active = document.activeElement;
    return {
      names: controls.map(name),
      focused: controls.indexOf(active),
      active: active ? `${active.tagName.toLowerCase()} "${name(active)}"` : 'nothing',
      inScreen: active !== null && active !== main && main.contains(active),
      firstField: controls.find((e) => e.tagName === 'INPUT')
        ? name(controls.find((e) => e.tagName === 'INPUT'))
        : null,
    };
  });

async function shiftTab(page) {
  await page.keyboard.down('Shift');
  await page.keyboard.press('Tab');
  await page.keyboard.up('Shift');
}

/** The focus as the screen opened: on its first field, or, without one, somewhere inside the screen. */
async function expectFocusOnOpen(page, screen) {
  const state = await focusState(page);
  if (state.firstField !== null) {
    assert.equal(state.active, `input "${state.firstField}"`, `${screen}: focus on the first field`);
  } else {
    assert.ok(state.inScreen, `${screen}: the focus moved into the screen (it is on ${state.active})`);
  }
}

/**
 * Every control can be reached: Tab from where the focus is to the last control, then Shift+Tab back to the first
 * (so the walk never leaves the page); fails naming the controls never focused.
 */
async function expectAllReachable(page, screen) {
  const { names } = await focusState(page);
  const reached = new Set();
  for (const [step, end] of [
    [(p) => p.keyboard.press('Tab'), names.length - 1],
    [shiftTab, 0],
  ]) {
    for (let i = 0; i <= names.length + 1; i++) {
      const { focused } = await focusState(page);
      if (focused >= 0) reached.add(focused);
      if (focused === end) break;
      await step(page);
    }
  }
  const missed = names.filter((_, i) => !reached.has(i));
  assert.deepEqual(missed, [], `${screen}: controls that Tab and Shift+Tab never reach (of ${names.join(', ')})`);
}

/** Moves the focus with Tab or Shift+Tab (whichever way the control is) to the control named `name`. */
async function tabTo(page, name) {
  const { names, focused } = await focusState(page);
  const target = names.indexOf(name);
  assert.ok(target >= 0, `no control "${name}" on the screen (${names.join(', ')})`);
  for (let i = 0; i <= names.length && (await focusState(page)).focused !== target; i++) {
    if (target > focused) await page.keyboard.press('Tab');
    else await shiftTab(page);
  }
  assert.equal((await focusState(page)).focused, target, `Tab never reached "${name}"`);
}

/** Focuses `name` by Tab and presses `key` (Enter or SPACE) on it. */
async function pressOn(page, name, key) {
  await tabTo(page, name);
  await page.keyboard.press(key);
}

for (const kind of BROWSERS) {
  describe(`the popup by keyboard in ${BROWSER_NAMES[kind]}`, () => {
    const email = `keyboard.${kind}@example.com`;
    const g = new Guide(kind);
    before(() => g.start());
    after(() => g.stop());

    /** Waits for `screen`, then checks the focus on opening and that every control is reachable. */
    async function arrive(popup, screen, options) {
      await g.at(popup, screen, options);
      await expectFocusOnOpen(popup, screen);
      await expectAllReachable(popup, screen);
    }

    it('registers by keyboard alone through to the e-mail-sent screen, then sets the PIN on the pad', async () => {
      const popup = await g.openPopup();
      await arrive(popup, 'add-service');
      await tabTo(popup, 'Service URL');
      await popup.keyboard.type(g.base);
      await pressOn(popup, 'Add service', 'Enter');

      await arrive(popup, 'register');
      await tabTo(popup, 'E-mail address');
      await popup.keyboard.type(email);
      await pressOn(popup, 'Setup M-Pin', SPACE);

      await arrive(popup, 'email-sent');
      await g.activate(email);
      await pressOn(popup, 'I confirmed my email', 'Enter');

      await arrive(popup, 'setup-pin');
      // two digits typed into the field, two pressed on the pad's buttons (Space and Enter), then "SETUP"
      await tabTo(popup, 'New PIN');
      await popup.keyboard.type(PIN.slice(0, 2));
      await pressOn(popup, PIN[2], SPACE);
      await pressOn(popup, PIN[3], 'Enter');
      await pressOn(popup, 'SETUP', 'Enter');
      await arrive(popup, 'home');
      await popup.close();
    });

    it('opens the menu and goes back, signs the PC in and out, and starts over, by keyboard alone', async () => {
      const popup = await g.openPopup();
      await arrive(popup, 'home');
      await pressOn(popup, 'Menu', 'Enter');
      await arrive(popup, 'menu');
      await pressOn(popup, 'Back', SPACE);
      await arrive(popup, 'home');

      const { page: pcPage, accessNumber } = await g.pcAccessNumber();
      await pressOn(popup, 'Sign in with this M-Pin', 'Enter');
      await arrive(popup, 'access-number');
      await tabTo(popup, 'Access number');
      await popup.keyboard.type(accessNumber);
      await popup.keyboard.press('Enter');

      await arrive(popup, 'pin');
      await tabTo(popup, 'PIN');
      await popup.keyboard.type(PIN);
      await popup.keyboard.press('Enter');
      await arrive(popup, 'success');
      await pcPage.waitForFunction(() => location.pathname === '/protected', { timeout: 20_000 });

      await pressOn(popup, 'Sign out', 'Enter');
      await pcPage.waitForFunction(() => location.pathname === '/', { timeout: 40_000 });
      await arrive(popup, 'signed-out');
      await pressOn(popup, 'Start Over', SPACE);
      await arrive(popup, 'home');
      await pcPage.close();
      await popup.close();
    });

    it('the reachability check sees a control that Tab skips', async () => {
      const popup = await g.openPopup();
      await g.at(popup, 'home');
      await popup.evaluate(() =>
        document
          .querySelector('main')
          .append(Object.assign(document.createElement('button'), { tabIndex: -1, textContent: 'Skipped' })),
      );
      await assert.rejects(expectAllReachable(popup, 'home'), /never reach[^]*Skipped/);
      await popup.close();
    });

    it('axe finds no violations on the screens reached by keyboard', () => {
      g.ledger.assertClean(
        ['add-service', 'register', 'email-sent', 'setup-pin', 'home', 'menu', 'access-number', 'pin', 'success'].map(
          (screen) => `popup: ${screen}`,
        ),
      );
    });
  });
}
