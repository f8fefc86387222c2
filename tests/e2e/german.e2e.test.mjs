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
import { literally } from './flows.mjs';
import { click, fill, waitForText } from './guide.mjs';
import { screenshot, shownText as shown } from './helpers.mjs';

for (const kind of BROWSERS) {
  describe(`the extension in German (${BROWSER_NAMES[kind]})`, { timeout: 120_000 }, () => {
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
      await waitForText(popup, /Adresse des Dienstes/);
      const text = await shown(popup);
      assert.equal(await popup.$eval('h1', (h) => h.textContent.trim()), 'Dienst hinzufügen');
      assert.match(text, /QR-Code in diesem Tab lesen/);
      assert.doesNotMatch(text, /Add service|Service URL|Scan QR code/);
      assert.equal(await popup.evaluate(() => document.documentElement.lang), 'de');
      await screenshot(popup, phone.shotName('german-add-service.png'));
    });

    it('words a problem the background sends as a code (no QR code on this tab) in German', async () => {
      await click(popup, 'QR-Code in diesem Tab lesen');
      await waitForText(popup, literally('Kein QR-Code in diesem Tab gefunden.'));
      assert.match(await popup.$eval('[role="alert"]', (a) => a.textContent), /Öffnen Sie das Fenster auf der Seite/);
      await screenshot(popup, phone.shotName('german-problem-no-qr.png'));
    });

    it("words the popup's own problem (not a service address) in German", async () => {
      await fill(popup, /Adresse des Dienstes/, 'ftp://rp.example');
      await click(popup, 'Dienst hinzufügen');
      await waitForText(popup, literally('Das ist keine Adresse eines Dienstes.'));
      assert.doesNotMatch(await shown(popup), /That is not a service address/);
    });
  });
}
