// A sign-in on this browser reaches only the site that asked for it (the built extension, real servers).
// Service X is a reference server with an identity; site Y is a second reference server, reached through counting
// proxies (guide.mjs startCountingProxy) on other ports of the same host, 127.0.0.1: one of them added to the
// extension as a service, the other not (just another port of X's host, where the PIN pad content script is injected
// too, because host access has no port). The attack: the user clicks the offer on X, the popup asks for the PIN for
// X, and meanwhile the tab is sent to Y's PIN pad page. After the PIN, nothing may reach Y (no POST /mpinAuthenticate
// at all), the popup must say that the page changed, and the identity must still sign X in afterwards. On another
// port that is not a service the content script does nothing at all: even a completeSignIn sent by the extension
// itself to that page is not taken. A reload of X before the PIN is another document: it gets nothing too.
//
// Each flow is written once and run in Chromium and in Firefox (browsers.mjs); in Chromium the background also pins
// the document (sender.documentId), which Firefox does not give, so there the nonce and the tab's origin carry the
// checks alone: the same attacks must fail in both.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BROWSER_NAMES, BROWSERS } from './browsers.mjs';
import { Guide, literally } from './flows.mjs';
import { activateOnPc, click, fill, realClick, startCountingProxy, startGuideServer, waitForText } from './guide.mjs';

const EMAIL = 'local.user@example.com';
const PIN = '3579';
const OFFER = 'Sign in with M-Pin Authenticator';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Types the PIN, "Login", and resolves once the popup shows the outcome (a problem, or another screen). */
async function typePinAndLogin(popup) {
  await popup.keyboard.type(PIN);
  await click(popup, 'Login');
  await popup.waitForFunction(
    () =>
      document.querySelector('main')?.getAttribute('aria-busy') === 'false' &&
      (document.querySelector('[role="alert"]') !== null ||
        ![...document.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Login')),
    { timeout: 60_000 },
  );
}

for (const kind of BROWSERS) {
  describe(`a sign-in on this browser reaches only the site that asked for it, in ${BROWSER_NAMES[kind]}`, () => {
    const g = new Guide(kind);
    let serverY, addedY, otherPortY, site;

    before(async () => {
      await g.start({ pc: false });
      serverY = await startGuideServer();
      [addedY, otherPortY] = await Promise.all([
        startCountingProxy(serverY.publicUrl),
        startCountingProxy(serverY.publicUrl),
      ]);
    });

    after(async () => {
      await g.stop();
      await Promise.all([addedY?.close(), otherPortY?.close()]);
      await serverY?.stop();
    });

    /** The site tab on `url`'s PIN pad page with the extension's offer, and its click: the popup's PIN screen for X. */
    async function askForLocalSignIn(url) {
      await site.goto(`${url}/`);
      await site.waitForSelector('mpin-authenticator-offer', { timeout: 20_000 });
      await g.phone.clickOfferButton(site, OFFER);
      const popup = await g.openPopup();
      await g.at(popup, 'pin', { label: 'pin (this browser)' });
      assert.match(await g.shown(popup), literally(new URL(g.base).host));
      return popup;
    }

    it('sets up: Y added as a service, then an identity on X', async () => {
      const popup = await g.openPopup();
      // first a plain-http address off this computer: refused on the screen, nothing asked or sent
      await g.at(popup, 'add-service');
      await fill(popup, /url|address of the service|service/, 'http://example.com');
      await realClick(popup, 'Add service');
      await g.at(popup, 'add-service', {
        pattern: /Enter the full address/,
        label: 'add-service with a problem (not https)',
      });
      await g.addService(popup, addedY.url);
      await click(popup, 'Cancel');
      await g.at(popup, 'add-service');
      await fill(popup, /url|address of the service|service/, g.base);
      await realClick(popup, 'Add service');
      await g.at(popup, 'register');
      await fill(popup, /e-?mail/, EMAIL);
      await click(popup, 'Setup M-Pin');
      await g.at(popup, 'email-sent');
      await activateOnPc(g.phone.browser, g.base, EMAIL);
      await g.confirmAndSetPin(popup, EMAIL, PIN);
      await popup.close();
      site = await g.phone.browser.newPage();
    });

    for (const [what, y] of [
      ['another added service', () => addedY],
      ["another port of X's host that is not a service", () => otherPortY],
    ]) {
      it(`the tab sent to ${what} before the PIN gets nothing, and the popup says the page changed`, async () => {
        const popup = await askForLocalSignIn(g.base);
        await site.goto(`${y().url}/`);
        await site.waitForSelector('[data-mpin-pinpad]', { timeout: 20_000 }); // Y's own PIN pad page
        await typePinAndLogin(popup);
        assert.equal(y().count('POST', '/mpinAuthenticate'), 0, 'nothing was posted to the other site');
        assert.notEqual(new URL(site.url()).pathname, '/protected');
        await g.at(popup, 'home', { pattern: /no longer shows/, label: 'home with a problem (page changed)' });
        assert.match(await g.shown(popup), /changed/i);
        await g.shot(popup, 'popup-page-changed.png');
        await sleep(500);
        assert.equal(y().count('POST', '/mpinAuthenticate'), 0);
        await popup.close();
      });
    }

    it('the tab reloaded before the PIN (the same site, another document) gets nothing either', async () => {
      const popup = await askForLocalSignIn(g.base);
      await site.reload();
      await site.waitForSelector('mpin-authenticator-offer', { timeout: 20_000 }); // the new document's own offer
      await typePinAndLogin(popup);
      await waitForText(popup, /no longer shows/);
      await sleep(500);
      assert.equal(new URL(site.url()).pathname, '/', 'the reloaded page was not signed in');
      await popup.close();
    });

    it('the identity still signs X in afterwards', async () => {
      const popup = await askForLocalSignIn(g.base);
      await typePinAndLogin(popup);
      await site.waitForFunction(() => location.pathname === '/protected', { timeout: 30_000 });
      await waitForText(site, literally(EMAIL));
      await g.at(popup, 'success', { label: 'success (this browser)' });
      await popup.close();
    });

    it('on another port of the host the content script does nothing: even a completeSignIn from the extension is not taken', async () => {
      await site.goto(`${otherPortY.url}/`);
      await site.waitForSelector('[data-mpin-pinpad]', { timeout: 20_000 });
      await site.waitForFunction(() => document.readyState === 'complete');
      await sleep(2_000); // the content script runs at document_idle
      assert.equal(await site.$('mpin-authenticator-offer'), null);
      const authOTT = '0123456789abcdef0123456789abcdef';
      const messages = [
        // the message as the background sent it before the nonce, and as it sends it now
        { type: 'completeSignIn', authOTT, authenticateURL: `${otherPortY.url}/mpinAuthenticate` },
        {
          type: 'completeSignIn',
          authOTT,
          authenticateURL: `${otherPortY.url}/mpinAuthenticate`,
          origin: otherPortY.url,
          nonce: 'fedcba9876543210fedcba9876543210',
        },
      ];
      // Sent from an extension page (the popup's, opened as a tab), which may message tabs just as the background
      // does: the same call in both browsers.
      const sender = await g.openPopup();
      const replies = await sender.evaluate(
        async (prefix, list) => {
          const api = globalThis.browser ?? globalThis.chrome;
          const tab = (await api.tabs.query({})).find((t) => t.url?.startsWith(`${prefix}/`));
          if (!tab) return ['no tab'];
          const out = [];
          for (const message of list) {
            try {
              out.push(JSON.stringify((await api.tabs.sendMessage(tab.id, message, { frameId: 0 })) ?? null));
            } catch (e) {
              out.push(`no receiver: ${String(e?.message ?? e)}`);
            }
          }
          return out;
        },
        otherPortY.url,
        messages,
      );
      await sender.close();
      assert.equal(replies.length, 2, String(replies));
      for (const reply of replies) assert.match(reply, /^no receiver/, 'nobody on that page listens to the extension');
      await sleep(500);
      assert.equal(otherPortY.count('POST', '/mpinAuthenticate'), 0);
    });

    it('axe finds no violations on any popup screen of these flows', () => {
      g.ledger.assertClean(
        [
          'add-service',
          'add-service with a problem (not https)',
          'register',
          'pin (this browser)',
          'home with a problem (page changed)',
          'success (this browser)',
        ].map((screen) => `popup: ${screen}`),
      );
    });
  });
}
