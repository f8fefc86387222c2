// The built extension as shipped, in Chromium (.output/chrome-mv3) and in Firefox (.output/firefox-mv2): the browser
// runs its background under the extension's id, the popup renders the background's first screen, and the background
// answers a status message and drops an invalid one. Also proves the axe check can fail: in the popup's page, under
// its strict CSP, an image without a text alternative must be reported. And the browser's real permission prompt (the
// build as shipped grants no host; Firefox is told to prompt, as it does for its users): while it is open, the popup
// says what it waits for and takes no other step. No automation can answer the prompt, so the test ends there.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectNoAxeViolations } from './axe.mjs';
import { BROWSER_NAMES, BROWSERS, BUILDS, launchPhone } from './browsers.mjs';
import { fill, realClick, waitForText } from './guide.mjs';
import { builtExtension, popupFirstScreen, readManifest, screenshot, sendFromPage } from './helpers.mjs';

for (const kind of BROWSERS) {
  describe(`the ${BROWSER_NAMES[kind]} build`, { timeout: 120_000 }, () => {
    const { version } = readManifest(builtExtension(BUILDS[kind]));
    let phone;
    let popup;

    before(async () => {
      phone = await launchPhone(kind, {
        asShipped: true,
        firefoxPrefs: { 'extensions.webextOptionalPermissionPrompts': true },
      });
    });
    after(async () => {
      await phone?.close();
    });

    it("runs the extension's background under the extension's id", async () => {
      const { running, expected } = await phone.installedId();
      assert.equal(running, expected);
    });

    it("renders the background's first screen in the popup", async () => {
      popup = await phone.openPopup();
      // no service yet: the first screen asks for one
      assert.match(await popupFirstScreen(popup), /Service URL/);
      await screenshot(popup, `${kind}-popup.png`);
    });

    it('answers status and gives no reply to an invalid message', async () => {
      assert.deepEqual(await sendFromPage(popup, { type: 'status' }), { reply: { ok: true, version, identities: 0 } });
      const dropped = await sendFromPage(popup, { type: 'register', email: 'a@example.test' });
      assert.deepEqual(dropped, { reply: null });
    });

    it('the axe check runs in the popup despite its CSP, and reports an image without a text alternative', async () => {
      await expectNoAxeViolations(popup, 'popup: add-service');
      await popup.evaluate(() => document.querySelector('main').append(Object.assign(new Image(1, 1), { src: '' })));
      await assert.rejects(expectNoAxeViolations(popup, 'popup with an unlabelled image'), (error) => {
        assert.match(error.message, /popup with an unlabelled image: 1 axe violation/);
        assert.match(error.message, /image-alt \[critical\]/);
        return true;
      });
    });

    it("says it waits for the answer while the browser's permission prompt is open, and takes no other step", async () => {
      const asking = await phone.openPopup();
      await fill(asking, /service url/i, 'https://rp.example.org');
      await realClick(asking, 'Add service');
      await waitForText(
        asking,
        /Waiting for your answer: the browser asks whether the extension may access rp\.example\.org/,
      );
      const enabled = await asking.evaluate(() =>
        [...document.querySelectorAll('button')].filter((b) => !b.disabled).map((b) => b.textContent.trim()),
      );
      // nothing that would send a step while the answer is pending ("Add service", "Scan QR code on this tab")
      assert.deepEqual(enabled, [], `enabled while the prompt is open: ${enabled.join(', ')}`);
      await expectNoAxeViolations(asking, 'popup: add-service, waiting for the permission prompt');
      await screenshot(asking, `${kind}-popup-permission-wait.png`);
      // the background got no step: still no service, no identity
      assert.deepEqual(await sendFromPage(asking, { type: 'status' }), { reply: { ok: true, version, identities: 0 } });
    });
  });
}
