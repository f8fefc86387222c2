// Browser end-to-end test, Firefox: installs .output/firefox-mv2 into Debian's firefox-esr (WebDriver BiDi)
// and checks that the popup renders the background's first screen.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  builtExtension,
  launchFirefox,
  openFirefoxExtensionPage,
  popupFirstScreen,
  readManifest,
  screenshot,
  sendFromPage,
} from './helpers.mjs';

describe('Firefox MV2 build', { timeout: 120_000 }, () => {
  const extDir = builtExtension('firefox-mv2');
  const manifest = readManifest(extDir);
  let firefox;
  let popup;

  before(async () => {
    firefox = await launchFirefox(extDir);
  });
  after(async () => {
    await firefox?.close();
  });

  it('installs the add-on under its gecko id', () => {
    assert.equal(firefox.addonId, manifest.browser_specific_settings.gecko.id);
  });

  it("renders the background's first screen in the popup", async () => {
    popup = await openFirefoxExtensionPage(firefox.browser, `${firefox.origin}/popup.html`, 'h1');
    // no service yet: the first screen asks for one
    assert.match(await popupFirstScreen(popup), /Service URL/);
    await screenshot(popup, 'firefox-popup.png');
  });

  it('answers status and gives no reply to an invalid message', async () => {
    assert.deepEqual(await sendFromPage(popup, { type: 'status' }), {
      reply: { ok: true, version: manifest.version, identities: 0 },
    });
    const dropped = await sendFromPage(popup, { type: 'register', email: 'a@example.test' });
    assert.deepEqual(dropped, { reply: null });
  });
});
