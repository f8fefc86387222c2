// Browser end-to-end test of the demo relying party, run in Chromium and in Firefox (no extension): the whole reference
// server on free ports with a temporary DATA_DIR; in-browser registration through the mailbox's activation link, PIN
// setup, wrong PIN, sign-in, sign-out; "Sign in with Phone" with its access number and countdown, a phone (an HTTP
// client on lib/mpin, as the extension would be) signing the PC in and then out; expiry of an access number;
// revocation and blocking. Every page, and the PIN pad in each of its states, is checked with axe; the last test of
// each browser says what axe found. Needs `npm run build:web` (the page scripts) first.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { AxeLedger } from './axe.mjs';
import { BROWSER_NAMES, BROWSERS, launchPlainBrowser } from './browsers.mjs';
import { mailboxLink, startGuideServer } from './guide.mjs';
import { screenshot } from './helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { runAdmin } = await import('../../server/admin.ts');
const { mpin, fromHex, toHex, isValidAccessNumber } = await import('../../lib/mpin/index.ts');

if (!fs.existsSync(path.join(ROOT, 'server/rpa/static/pinpad.js'))) {
  throw new Error('server/rpa/static/pinpad.js is missing: run "npm run build:web" first');
}

/** JSON over HTTP against `base`; answers of any status. */
async function call(base, method, url, body) {
  const res = await fetch(new URL(url, base), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = { text };
  }
  return { status: res.status, data, text };
}

/** A phone: M-Pin-In-Mobile's HTTP calls (docs/protocol.md §6.2, §6.5), on lib/mpin. */
async function phoneRegister(base, userId, pin) {
  const reg = await call(base, 'PUT', '/rps/user', { userId, mobile: 1, deviceName: 'e2ePhone' });
  assert.equal(reg.status, 200, reg.text);
  const { mpinId, regOTT } = reg.data;
  const link = await mailboxLink(base, userId);
  const activated = await fetch(link, { method: 'POST' });
  assert.equal(activated.status, 200);
  const sig = await call(base, 'GET', `/rps/signature/${mpinId}?regOTT=${regOTT}`);
  assert.equal(sig.status, 200, sig.text);
  const settings = (await call(base, 'GET', '/rps/clientSettings')).data;
  const cs2 = await call(base, 'GET', `${settings.certivoxURL}clientSecret?${sig.data.params}`);
  assert.equal(cs2.status, 200, cs2.text);
  const cs = mpin.recombineG1(fromHex(sig.data.clientSecretShare), fromHex(cs2.data.clientSecret));
  return { mpinId, token: mpin.extractPin(fromHex(mpinId), pin, cs), settings };
}

async function phoneSignIn(base, phone, pin, accessNumber) {
  const tp = await call(base, 'GET', `/rps/timePermit/${phone.mpinId}`);
  assert.equal(tp.status, 200, tp.text);
  const q = new URLSearchParams({
    app_id: phone.settings.appID,
    mobile: '1',
    hash_mpin_id: tp.data.storageId,
    signature: tp.data.signature,
  });
  const tp2 = await call(base, 'GET', `${phone.settings.certivoxURL}timePermit?${q}`);
  assert.equal(tp2.status, 200, tp2.text);
  const timePermit = mpin.recombineG1(fromHex(tp.data.timePermit), fromHex(tp2.data.timePermit));
  const c1 = mpin.client1({ mpinId: fromHex(phone.mpinId), pin, token: phone.token, date: tp.data.date, timePermit });
  const p1 = await call(base, 'POST', '/rps/pass1', {
    mpin_id: phone.mpinId,
    U: toHex(c1.u),
    UT: toHex(c1.ut),
    pass: 1,
  });
  assert.equal(p1.status, 200, p1.text);
  const v = mpin.client2(c1.x, fromHex(p1.data.y), c1.sec);
  const p2 = await call(base, 'POST', '/rps/pass2', {
    mpin_id: phone.mpinId,
    V: toHex(v),
    WID: accessNumber,
    OTP: false,
    pass: 2,
  });
  assert.equal(p2.status, 200, p2.text);
  return call(base, 'POST', '/rps/authenticate', {
    mpinResponse: { version: '0.3', authOTT: p2.data.authOTT, pass: 2 },
  });
}

const text = (page, selector) => page.$eval(selector, (el) => el.textContent.trim());
const state = (page, selector) => page.$eval(selector, (el) => el.dataset.mpinState);
const waitState = (page, selector, value, timeout = 15_000) =>
  page.waitForSelector(`${selector}[data-mpin-state="${value}"]`, { timeout });
const waitText = (page, selector, part, timeout = 15_000) =>
  page.waitForFunction((s, p) => document.querySelector(s)?.textContent.includes(p), { timeout }, selector, part);

for (const kind of BROWSERS) {
  const name = BROWSER_NAMES[kind];

  describe(`demo relying party in ${name}`, { timeout: 240_000 }, () => {
    const ledger = new AxeLedger();
    const check = (p, label) => ledger.check(p, `demo: ${label}`);
    let server;
    let browser;
    let page;
    let base;

    before(async () => {
      server = await startGuideServer();
      base = server.publicUrl;
      browser = await launchPlainBrowser(kind);
      page = await browser.browser.newPage();
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('registers an identity in this browser through the e-mailed activation link', async () => {
      await page.goto(`${base}/`);
      await waitState(page, '#mpin-pinpad', 'register');
      await check(page, '/ (PIN pad: register)');
      assert.equal(
        await page.$eval('#mpin-device-name-field', (el) => el.hidden),
        false,
        'setDeviceName is on by default',
      );
      // the suggestion names this platform and browser (lib/rps/device-name.ts)
      assert.equal(
        await page.$eval('#mpin-device-name', (el) => el.value),
        kind === 'chromium' ? 'linChrome' : 'linFirefox',
      );
      await page.type('#mpin-email', 'Alice@Example.test');
      await page.$eval('#mpin-device-name', (el) => (el.value = ''));
      await page.type('#mpin-device-name', `e2e${name}`);
      await page.click('#mpin-register-submit');
      await waitState(page, '#mpin-pinpad', 'confirm');
      assert.match(await text(page, '#mpin-status'), /We sent an e-mail to alice@example\.test/);
      await check(page, '/ (PIN pad: e-mail sent)');
      if (kind === 'chromium') await screenshot(page, 'demo-pinpad-confirm.png', '#mpin-pinpad');

      // pressing "I confirmed my email" too early
      await page.click('#mpin-confirmed');
      await waitText(page, '#mpin-status', 'Identity not verified!');
      assert.equal(await state(page, '#mpin-pinpad'), 'confirm');
      await check(page, '/ (PIN pad: not verified yet)');

      // the activation page, opened from the mailbox's link
      const link = await mailboxLink(base, 'alice@example.test');
      assert.ok(link.startsWith(`${base}/mpinActivate?i=`), link);
      const mailPage = await browser.browser.newPage();
      await mailPage.goto(link);
      assert.equal(await text(mailPage, '#activation-email'), 'alice@example.test');
      assert.equal(await text(mailPage, '#activation-from'), 'PC');
      assert.equal(await text(mailPage, '#activation-device'), `e2e${name}`);
      await check(mailPage, '/mpinActivate (the form)');
      await Promise.all([mailPage.waitForNavigation(), mailPage.click('#activation-form button')]);
      assert.match(await text(mailPage, '#activation-result'), /Your e-mail address is confirmed/);
      await check(mailPage, '/mpinActivate (confirmed)');
      await page.bringToFront(); // headless Chromium loses what is sent to a background tab

      await page.click('#mpin-confirmed');
      await waitState(page, '#mpin-pinpad', 'setup-pin');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'mpin-new-pin');
      await check(page, '/ (PIN pad: setup-pin)');
      // the on-screen pad and the keyboard fill the same field
      for (const d of ['1', '2']) await page.click(`[data-mpin-keypad="mpin-new-pin"] [data-mpin-digit="${d}"]`);
      await page.type('#mpin-new-pin', '34');
      await page.keyboard.press('Enter');
      await waitState(page, '#mpin-pinpad', 'pin');
      assert.match(
        await text(page, '#mpin-status'),
        /Congratulations! Your M-Pin identity alice@example\.test is set up/,
      );
      await check(page, '/ (PIN pad: pin, set up)');

      const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('mpinjs')));
      const accounts = Object.entries(stored.accounts);
      assert.equal(accounts.length, 1);
      const [mpinId, account] = accounts[0];
      assert.match(Buffer.from(mpinId, 'hex').toString('utf8'), /"userID": "alice@example\.test"/);
      assert.equal(account.state, 'REGISTERED');
      assert.match(account.token, /^04[0-9a-f]{128}$/);
      for (const key of Object.keys(account))
        assert.ok(['regOTT', 'state', 'token', 'timePermitCache'].includes(key), `stored ${key}`);

      // the registration is complete, so the link is used up
      await mailPage.bringToFront();
      await mailPage.goto(link);
      await Promise.all([mailPage.waitForNavigation(), mailPage.click('#activation-form button')]);
      assert.equal(
        await text(mailPage, '#activation-result'),
        'This verification link has already been used or has expired!',
      );
      await check(mailPage, '/mpinActivate (link used up)');
      await mailPage.close();
      await page.bringToFront();
    });

    it('says "Incorrect PIN!" for a wrong PIN and keeps the pad', async () => {
      await page.type('#mpin-pin', '9999');
      await page.click('#mpin-signin-submit');
      await waitText(page, '#mpin-status', 'Incorrect PIN!');
      assert.equal(await state(page, '#mpin-pinpad'), 'pin');
      assert.equal(await page.$eval('#mpin-pin', (el) => el.value), '');
      await check(page, '/ (PIN pad: incorrect PIN)');
    });

    it('signs in with the right PIN and shows the protected page', async () => {
      await page.type('#mpin-pin', '1234');
      await Promise.all([page.waitForNavigation({ timeout: 20_000 }), page.click('#mpin-signin-submit')]);
      assert.equal(new URL(page.url()).pathname, '/protected');
      assert.equal(await text(page, '#signed-in-user'), 'alice@example.test');
      assert.equal(await text(page, '#signed-in-device'), `e2e${name}`);
      await check(page, '/protected');
    });

    it('signs out with "Sign out"', async () => {
      await Promise.all([page.waitForNavigation(), page.click('#sign-out button')]);
      assert.equal(new URL(page.url()).search, '?m=logged-out');
      assert.equal(await text(page, '.flash'), 'You have been logged out!');
      await check(page, '/?m=logged-out');
      await page.goto(`${base}/protected`);
      assert.equal(new URL(page.url()).search, '?m=sign-in');
      await check(page, '/?m=sign-in');
    });

    let phone;
    it('shows a 7-digit access number with a countdown, and the phone signs the PC in with it', async () => {
      phone = await phoneRegister(base, 'bob@example.test', 4321);
      await page.goto(`${base}/phone-login`);
      await waitState(page, '#mpin-phone-login', 'waiting');
      const accessNumber = await text(page, '#access-number');
      assert.match(accessNumber, /^\d{7}$/);
      assert.ok(isValidAccessNumber(accessNumber), `${accessNumber} has a valid check digit`);
      const first = Number(await text(page, '#access-number-countdown'));
      const counting = Date.now();
      assert.ok(first <= 99 && first >= 95, `countdown starts near 99 (${first})`);
      // it counts down in seconds: two steps take more than one second
      await page.waitForFunction(
        (n) => Number(document.querySelector('#access-number-countdown').textContent) <= n,
        { timeout: 10_000 },
        first - 2,
      );
      assert.ok(Date.now() - counting > 1000, `counts down in seconds (${first} → ${first - 2})`);
      await check(page, '/phone-login (waiting)');
      if (kind === 'chromium') await screenshot(page, 'demo-phone-login.png', '#mpin-phone-login');

      const navigation = page.waitForNavigation({ timeout: 20_000 });
      const auth = await phoneSignIn(base, phone, 4321, accessNumber);
      assert.equal(auth.status, 200, auth.text);
      await navigation;
      assert.equal(new URL(page.url()).pathname, '/protected');
      assert.equal(await text(page, '#signed-in-user'), 'bob@example.test');
      assert.equal(auth.data.logoutURL, '/logout');
      assert.equal(auth.data.logoutData.userId, 'bob@example.test');
      phone.logout = auth.data;
      await check(page, '/protected (signed in by the phone)');
    });

    it('returns the PC to the home page when the phone signs out', async () => {
      const navigation = page.waitForNavigation({ timeout: 20_000 });
      const res = await fetch(new URL(phone.logout.logoutURL, base), {
        method: 'POST',
        body: JSON.stringify(phone.logout.logoutData),
      });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '');
      await navigation;
      assert.equal(new URL(page.url()).search, '?m=logged-out');
      assert.equal(await text(page, '.flash'), 'You have been logged out!');
      // a second sign-out of the same session fails
      const again = await fetch(new URL(phone.logout.logoutURL, base), {
        method: 'POST',
        body: JSON.stringify(phone.logout.logoutData),
      });
      assert.equal(again.status, 400);
    });

    it('refuses a revoked identity, and blocks one after too many wrong PINs', async () => {
      await page.goto(`${base}/`);
      await waitState(page, '#mpin-pinpad', 'pin');
      await runAdmin(['revoke', 'alice@example.test'], server.ctx.storage);
      await page.reload();
      await waitState(page, '#mpin-pinpad', 'pin');
      await page.type('#mpin-pin', '1234');
      await page.click('#mpin-signin-submit');
      await waitState(page, '#mpin-pinpad', 'blocked');
      assert.match(await text(page, '#mpin-blocked-message'), /alice@example\.test has been revoked/);
      await check(page, '/ (PIN pad: blocked, revoked)');
      await runAdmin(['unrevoke', 'alice@example.test'], server.ctx.storage);

      await page.click('[data-mpin-view="blocked"] [data-mpin-action="identities"]');
      await waitState(page, '#mpin-pinpad', 'identities');
      await check(page, '/ (PIN pad: identities)');
      await page.click('#mpin-identity-list .mpin-identity-select');
      await waitState(page, '#mpin-pinpad', 'pin');
      for (let i = 1; i <= 3; i++) {
        await page.$eval('#mpin-status', (el) => (el.textContent = ''));
        await page.type('#mpin-pin', '0000');
        await page.click('#mpin-signin-submit');
        if (i < 3) await waitText(page, '#mpin-status', 'Incorrect PIN!');
      }
      await waitState(page, '#mpin-pinpad', 'blocked');
      assert.match(
        await text(page, '#mpin-blocked-message'),
        /wrong PIN too many times\. Your M-Pin identity alice@example\.test has been revoked\./,
      );
      const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('mpinjs')));
      assert.deepEqual(stored.accounts, {}, 'the blocked identity is deleted from the browser');
      await check(page, '/ (PIN pad: blocked, too many wrong PINs)');
    });

    it('shows "Setup your phone" with the service URL, and the mailbox with its messages', async () => {
      await page.goto(`${base}/setup-phone`);
      assert.equal(await text(page, '#setup-phone-url'), base);
      assert.match(await page.$eval('#setup-phone-qr', (img) => img.alt), new RegExp(`QR code of ${base}`));
      await check(page, '/setup-phone');
      await page.goto(`${base}/mailbox`);
      await check(page, '/mailbox');
      await Promise.all([page.waitForNavigation(), page.click('table a[href^="/mailbox/"]')]);
      assert.match(await page.evaluate(() => document.body.innerText), /mpinActivate\?/);
      await check(page, '/mailbox/<id> (a message)');
    });

    it('replaces an expired access number (a second server with a 5 s TTL and no grace) by "Get a new access number"', async () => {
      const short = await startGuideServer({ ACCESS_NUMBER_TTL_SECONDS: '5', ACCESS_NUMBER_GRACE_SECONDS: '0' });
      try {
        await expire(await browser.browser.newPage(), short.publicUrl);
      } finally {
        await short.stop();
      }
    });

    /** "Sign in with Phone" on `base` (short-lived numbers): the number expires, a new one replaces it. */
    async function expire(page, base) {
      await page.goto(`${base}/phone-login`);
      await waitState(page, '#mpin-phone-login', 'waiting');
      const first = await text(page, '#access-number');
      assert.equal(await page.$eval('#access-number-new', (el) => getComputedStyle(el).display), 'none');
      await waitState(page, '#mpin-phone-login', 'expired', 20_000);
      assert.equal(await text(page, '#access-number-countdown'), '0');
      assert.match(await text(page, '#phone-login-status'), /The access number has expired/);
      assert.equal(await page.$eval('#access-number-new', (el) => !el.hidden && document.activeElement === el), true);
      await check(page, '/phone-login (expired)');
      await page.click('#access-number-new');
      await waitState(page, '#mpin-phone-login', 'waiting');
      const second = await text(page, '#access-number');
      assert.match(second, /^\d{7}$/);
      assert.notEqual(second, first);
      await page.close();
    }

    it('axe finds no violations on any page or PIN pad state', () => {
      ledger.assertClean(
        [
          '/ (PIN pad: register)',
          '/ (PIN pad: e-mail sent)',
          '/ (PIN pad: not verified yet)',
          '/ (PIN pad: setup-pin)',
          '/ (PIN pad: pin, set up)',
          '/ (PIN pad: incorrect PIN)',
          '/ (PIN pad: blocked, revoked)',
          '/ (PIN pad: identities)',
          '/ (PIN pad: blocked, too many wrong PINs)',
          '/mpinActivate (the form)',
          '/mpinActivate (confirmed)',
          '/mpinActivate (link used up)',
          '/protected',
          '/?m=logged-out',
          '/?m=sign-in',
          '/phone-login (waiting)',
          '/setup-phone',
          '/mailbox',
          '/mailbox/<id> (a message)',
          '/phone-login (expired)',
        ].map((label) => `demo: ${label}`),
      );
    });
  });
}
