// Browser end-to-end test, Chromium: loads .output/chrome-mv3 into Debian's chromium and checks that the
// service worker starts and that the popup renders the background's status answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  builtExtension,
  launchChromium,
  popupFirstScreen,
  readManifest,
  screenshot,
  sendFromPage,
} from './helpers.mjs';

describe('Chromium MV3 build', { timeout: 90_000 }, () => {
  const extDir = builtExtension('chrome-mv3');
  const { version } = readManifest(extDir);
  let chromium;
  let popup;

  before(async () => {
    chromium = await launchChromium(extDir);
  });
  after(async () => {
    await chromium?.close();
  });

  it('starts the background service worker', async () => {
    const id = await chromium.worker.evaluate(() => chrome.runtime.id);
    assert.equal(id, chromium.extensionId);
  });

  it("renders the background's first screen in the popup", async () => {
    popup = await chromium.browser.newPage();
    await popup.goto(`${chromium.origin}/popup.html`);
    // no service yet: the first screen asks for one
    assert.match(await popupFirstScreen(popup), /Service URL/);
    await screenshot(popup, 'chromium-popup.png');
  });

  it('answers status and gives no reply to an invalid message', async () => {
    assert.deepEqual(await sendFromPage(popup, { type: 'status' }), { reply: { ok: true, version, identities: 0 } });
    const dropped = await sendFromPage(popup, { type: 'register', email: 'a@example.test' });
    assert.deepEqual(dropped, { reply: null });
  });
});
