// Browser end-to-end test, German: each browser started with German as its UI language (Chromium: --lang=de;
// Firefox: intl.locale.requested with Debian's German language pack, firefox-esr-l10n-de) loads the extension as
// built, and it speaks German: its catalogue (locales/de.yml, as _locales/de/messages.json), the popup's first
// screen, and the words for a problem, both one the background sends as a code and one the popup finds itself.
// Debian's chromium carries only its en-US UI strings (chromium-l10n has the rest), so chrome.i18n.getUILanguage()
// may stay "en-US" there; the extension's catalogue follows --lang all the same. Without the language pack Firefox
// stays in English, and the test fails.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BROWSER_NAMES, BROWSERS, launchPhone } from './browsers.mjs';
import { screenshot } from './helpers.mjs';

/** The popup's visible text, on one line. */
const shown = (page) => page.evaluate(() => document.body.innerText.replace(/\s+/g, ' ').trim());

/** Waits until the popup shows `text` (in a heading, a button, an alert: anywhere). */
async function waitForText(page, text) {
  try {
    await page.waitForFunction((t) => document.body.innerText.includes(t), { timeout: 20_000 }, text);
  } catch (e) {
    throw new Error(`waited for "${text}" but the popup shows: ${(await shown(page)).slice(0, 300)}`, { cause: e });
  }
}

async function clickButton(page, label) {
  await page.waitForFunction(
    (l) => [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === l && !b.disabled),
    { timeout: 20_000 },
    label,
  );
  await page.evaluate(
    (l) => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === l).click(),
    label,
  );
}

for (const kind of BROWSERS) {
  describe(`the extension in German (${BROWSER_NAMES[kind]})`, { timeout: 120_000 }, () => {
    /** The Chromium run keeps the README's screenshot names. */
    const shotName = (name) => (kind === 'chromium' ? name : `firefox-${name}`);
    let phone;
    let popup;

    before(async () => {
      phone = await launchPhone(kind, { asShipped: true, lang: 'de' });
      popup = await phone.openPopup();
    });
    after(async () => {
      await phone?.close();
    });

    it('takes the German catalogue, the manifest description included', async () => {
      const [lang, description] = await popup.evaluate(() => {
        const i18n = (globalThis.browser ?? globalThis.chrome).i18n;
        return [i18n.getMessage('lang'), i18n.getMessage('extDescription')];
      });
      assert.equal(lang, 'de');
      assert.match(description, /^Anmelden mit M-Pin: verwahrt Ihre M-Pin-Identitäten/);
    });

    it('shows the add-service screen in German, as a German page', async () => {
      await waitForText(popup, 'Adresse des Dienstes');
      const text = await shown(popup);
      assert.equal(await popup.$eval('h1', (h) => h.textContent.trim()), 'Dienst hinzufügen');
      assert.match(text, /QR-Code in diesem Tab lesen/);
      assert.doesNotMatch(text, /Add service|Service URL|Scan QR code/);
      assert.equal(await popup.evaluate(() => document.documentElement.lang), 'de');
      await screenshot(popup, shotName('german-add-service.png'));
    });

    it('words a problem the background sends as a code (no QR code on this tab) in German', async () => {
      await clickButton(popup, 'QR-Code in diesem Tab lesen');
      await waitForText(popup, 'Kein QR-Code in diesem Tab gefunden.');
      assert.match(await popup.$eval('[role="alert"]', (a) => a.textContent), /Öffnen Sie das Fenster auf der Seite/);
      await screenshot(popup, shotName('german-problem-no-qr.png'));
    });

    it("words the popup's own problem (not a service address) in German", async () => {
      await popup.type('input[type="url"]', 'ftp://rp.example');
      await clickButton(popup, 'Dienst hinzufügen');
      await waitForText(popup, 'Das ist keine Adresse eines Dienstes.');
      assert.doesNotMatch(await shown(popup), /That is not a service address/);
    });
  });
}
