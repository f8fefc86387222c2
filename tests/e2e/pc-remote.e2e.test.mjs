// Browser end-to-end test of the demo site's PC page, "Sign in with Phone" (server/web/phone-login.ts), for issue 11:
// a real Chromium as the PC (with a Windows Chrome User-Agent) and a scripted phone in Node (the extension's lib/rps
// client for the check, the claim and the refusal; the Milagro-style client for the crypto). The phone's check sees
// the PC's browser and OS; the PC shows "Authenticating user …" once the phone's claim is proven, in the poll that
// was already waiting; it opens the protected page when the phone signs in, and stops with "The sign-in was refused
// on the phone." (offering a new number) when the phone says "This wasn't me". Needs `npm run build:web` first.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { launchPc, mailboxLink, startGuideServer } from './guide.mjs';
import { screenshot } from './helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { fetchClientSettings, newDeviceKey, RpsClient } = await import('../../lib/rps/client.ts');
const { MilagroClient } = await import('../support/milagro-http-client.ts');
const { WINDOWS_CHROME } = await import('../support/user-agents.ts');

if (!fs.existsSync(path.join(ROOT, 'server/rpa/static/phone-login.js'))) {
  throw new Error('server/rpa/static/phone-login.js is missing: run "npm run build:web" first');
}

const USER = 'carol@example.test';
const PIN = 2468;

const text = (page, selector) => page.$eval(selector, (el) => el.textContent.trim());
const waitState = (page, value, timeout = 15_000) =>
  page.waitForSelector(`#mpin-phone-login[data-mpin-state="${value}"]`, { timeout });

/**
 * The phone: registers USER with a device key (as the extension does), confirms the mailed link, sets the PIN.
 * `rps` is the extension's client, `milagro` the crypto client, `id` the identity and `deviceKey` its key.
 */
async function phoneEnrolled(base) {
  const rps = new RpsClient(base, await fetchClientSettings(base));
  const deviceKey = newDeviceKey();
  const reg = await rps.register(USER, 'pcRemotePhone', deviceKey);
  const activated = await fetch(await mailboxLink(base, USER), { method: 'POST' });
  assert.equal(activated.status, 200);
  const milagro = new MilagroClient(base);
  await milagro.init();
  const id = await milagro.setup(USER, reg.mpinId, reg.regOTT, PIN);
  return { rps, milagro, id, deviceKey };
}

/** Every /rps/access request of `page` in order, and the state each answered (once it has). */
function recordPolls(page) {
  const polls = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname === '/rps/access') polls.push({ req, status: undefined });
  });
  page.on('response', async (res) => {
    const poll = polls.find((p) => p.req === res.request());
    if (poll) poll.status = (await res.json().catch(() => ({}))).status;
  });
  return polls;
}

/** Waits in Node until `condition()` holds (at most 15 s); `what` names it in the failure. */
async function until(condition, what) {
  for (let i = 0; i < 150; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never: ${what}`);
}

describe('"Sign in with Phone" on the PC, with the phone\'s new steps', { timeout: 240_000 }, () => {
  let server;
  let base;
  let pc;
  let page;
  let phone;

  before(async () => {
    server = await startGuideServer();
    base = server.publicUrl;
    pc = await launchPc();
    page = await pc.browser.newPage();
    await page.setUserAgent(WINDOWS_CHROME);
    phone = await phoneEnrolled(base);
  });
  after(async () => {
    await pc?.close();
    await server?.stop();
  });

  it('shows "Authenticating user …" as soon as the phone proves who it is, then the protected page', async () => {
    const polls = recordPolls(page);
    await page.goto(`${base}/phone-login`);
    await waitState(page, 'waiting');
    const accessNumber = await text(page, '#access-number');

    // the check at "Next": this PC's browser and OS, as its User-Agent said
    const check = await phone.rps.checkAccessNumber(accessNumber);
    assert.equal(check.pc?.browser, 'Chrome');
    assert.equal(check.pc?.os, 'Windows');
    assert.equal(check.pc?.ip, '127.0.0.1');

    await until(() => polls.length > 0 && polls.at(-1).status === undefined, 'a poll waiting at the server');
    const waiting = polls.length;
    await phone.rps.claimAccessNumber(accessNumber, USER, phone.id.mpinIdHex, phone.deviceKey);
    await waitState(page, 'user');
    assert.equal(await text(page, '#phone-login-status'), `Authenticating user ${USER} …`);
    // the answer came in a poll sent before the claim: the page did not have to ask again
    const told = polls.findIndex((p) => p.status === 'user');
    assert.ok(told >= 0 && told < waiting, `"user" answered poll ${told + 1}, sent before the claim (${waiting})`);
    await screenshot(page, 'pc-phone-login-authenticating-user.png', '#mpin-phone-login');

    const navigation = page.waitForNavigation({ timeout: 20_000 });
    const authOTT = await phone.milagro.passes(phone.id, PIN, accessNumber);
    const done = await phone.milagro.mobileAuthenticate(authOTT);
    assert.equal(done.status, 200, done.text);
    await navigation;
    assert.equal(new URL(page.url()).pathname, '/protected');
    assert.equal(await text(page, '#signed-in-user'), USER);
    await Promise.all([page.waitForNavigation(), page.click('#sign-out button')]);
  });

  it('stops when the phone says "This wasn\'t me", and offers a new number', async () => {
    await page.goto(`${base}/phone-login`);
    await waitState(page, 'waiting');
    const accessNumber = await text(page, '#access-number');
    await phone.rps.checkAccessNumber(accessNumber);
    await phone.rps.refuseAccessNumber(accessNumber);
    await waitState(page, 'refused');
    assert.equal(await text(page, '#phone-login-status'), 'The sign-in was refused on the phone.');
    assert.equal(await page.$eval('#access-number-new', (b) => b.hidden), false);
    await screenshot(page, 'pc-phone-login-refused.png', '#mpin-phone-login');
    // the number is dead for the phone too
    await assert.rejects(phone.rps.checkAccessNumber(accessNumber), { kind: 'http', status: 400 });

    await page.click('#access-number-new');
    await waitState(page, 'waiting');
    const next = await text(page, '#access-number');
    assert.notEqual(next, accessNumber);
    assert.equal((await phone.rps.checkAccessNumber(next)).pc?.browser, 'Chrome');
  });
});
