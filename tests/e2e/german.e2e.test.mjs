// Browser end-to-end test, German: Chromium started with --lang=de loads .output/chrome-mv3 and the extension
// speaks German: its catalogue (locales/de.yml, as _locales/de/messages.json), the popup's first screen, and the
// words for a problem, both one the background sends as a code and one the popup finds itself. Debian's chromium
// carries only its en-US UI strings (chromium-l10n has the rest), so chrome.i18n.getUILanguage() may stay "en-US"
// there; the extension's catalogue follows --lang all the same.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { builtExtension, launchChromium, screenshot } from './helpers.mjs';

/** The popup's visible text, on one line. */
const shown = (page) => page.evaluate(() => document.body.innerText.replace(/\s+/g, ' ').trim());

/** Waits until the popup shows `text` (in a heading, a button, an alert: anywhere). */
async function waitForText(page, text) {
  await page.waitForFunction((t) => document.body.innerText.includes(t), { timeout: 20_000 }, text);
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

describe('the extension in German (Chromium --lang=de)', { timeout: 90_000 }, () => {
  const extDir = builtExtension('chrome-mv3');
  let chromium;
  let popup;

  before(async () => {
    chromium = await launchChromium(extDir, { args: ['--lang=de'] });
    popup = await chromium.browser.newPage();
    await popup.goto(`${chromium.origin}/popup.html`);
  });
  after(async () => {
    await chromium?.close();
  });

  it('takes the German catalogue, the manifest description included', async () => {
    const [lang, description] = await chromium.worker.evaluate(() => [
      chrome.i18n.getMessage('lang'),
      chrome.i18n.getMessage('extDescription'),
    ]);
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
    await screenshot(popup, 'german-add-service.png');
  });

  it('words a problem the background sends as a code (no QR code on this tab) in German', async () => {
    await clickButton(popup, 'QR-Code in diesem Tab lesen');
    await waitForText(popup, 'Kein QR-Code in diesem Tab gefunden.');
    assert.match(await popup.$eval('[role="alert"]', (a) => a.textContent), /Öffnen Sie das Fenster auf der Seite/);
    await screenshot(popup, 'german-problem-no-qr.png');
  });

  it("words the popup's own problem (not a service address) in German", async () => {
    await popup.type('input[type="url"]', 'ftp://rp.example');
    await clickButton(popup, 'Dienst hinzufügen');
    await waitForText(popup, 'Das ist keine Adresse eines Dienstes.');
    assert.doesNotMatch(await shown(popup), /That is not a service address/);
  });
});
