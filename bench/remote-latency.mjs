// `npm run bench:latency` (a benchmark, not a test): how long a remote sign-in takes to land on the PC, from the
// moment "Login" is clicked in the extension to the moment the PC's browser shows the protected page. It starts the
// real server (in this process, free ports, a temporary DATA_DIR), the BUILT Chromium extension as the phone (run
// `npm run build` first: this script builds nothing) and a second Chromium as the PC, registers one identity, then
// runs one sign-in to warm up and SIGN_INS (default 10) measured ones, and prints each time, the median and the p90.
//
// Each sign-in, as a person does it: the PC opens "Sign in with Phone" (a fresh browser context, so no session is
// left over) and shows its number; the popup goes "Sign in with this M-Pin", the number, "Next"; the PIN is typed once
// the PC says "Authenticating user …" (what the person sees there); then "Login". Both ends are read from the
// browsers' own high-resolution clocks (performance.timeOrigin + performance.now(), one system clock): "Login" by a
// capturing click listener in the popup, the end by the protected page's DOMContentLoaded. Printed alongside, to
// see where the time goes: when the PC's waiting poll heard "authenticate" and when its own sign-in
// (/mpinAuthenticate) was answered (both as this process saw the PC's responses), and when the phone's popup showed
// "Success".
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Guide } from '../tests/e2e/flows.mjs';
import { click, waitForText } from '../tests/e2e/guide.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIGN_INS = Number(process.env.SIGN_INS ?? 10);
const PIN = '2580';
const EMAIL = 'latency@example.com';

if (!fs.existsSync(path.join(ROOT, 'server/rpa/static/phone-login.js'))) {
  throw new Error('server/rpa/static/phone-login.js is missing: run "npm run build" first');
}

/** In the popup: note when "Login" is clicked, and when the success screen appears (epoch ms, sub-ms precision). */
function armPopupClock(popup) {
  return popup.evaluate(() => {
    const doc = globalThis.document;
    const now = () => performance.timeOrigin + performance.now();
    const marks = { login: 0, success: 0 };
    globalThis.latencyMarks = marks;
    doc.addEventListener(
      'click',
      (e) => {
        if (e.target?.closest?.('button')?.textContent.trim() === 'Login' && !marks.login) marks.login = now();
      },
      true,
    );
    const seen = new globalThis.MutationObserver(() => {
      if (marks.login && !marks.success && /signed in as/.test(doc.body.innerText)) {
        marks.success = now();
        seen.disconnect();
      }
    });
    seen.observe(doc.body, { childList: true, subtree: true, characterData: true });
  });
}

/**
 * When the PC's page got its answers (epoch ms): the poll that told it to go on (the last /rps/access answer before
 * it asked /mpinAuthenticate: the page navigates away before a body could be read), and its own sign-in.
 */
function watchPc(pcPage) {
  const heard = { told: 0, signedIn: 0 };
  let lastPoll = 0;
  const at = () => performance.timeOrigin + performance.now();
  pcPage.on('response', (res) => {
    const { pathname } = new URL(res.url());
    if (pathname === '/rps/access') lastPoll = at();
    if (pathname === '/mpinAuthenticate') heard.signedIn = at();
  });
  pcPage.on('request', (req) => {
    if (new URL(req.url()).pathname === '/mpinAuthenticate') heard.told = lastPoll;
  });
  return heard;
}

/** One remote sign-in; returns the times after "Login" (ms): landed, told, signedIn, phone. */
async function signIn(g, popup) {
  const context = await g.pc.browser.createBrowserContext();
  try {
    const pcPage = await context.newPage();
    const heard = watchPc(pcPage);
    await pcPage.goto(`${g.base}/phone-login`);
    await pcPage.waitForFunction(
      () => /^[0-9]{7}$/.test(globalThis.document.querySelector('#access-number')?.textContent?.trim() ?? ''),
      { timeout: 20_000 },
    );
    const accessNumber = await pcPage.$eval('#access-number', (e) => e.textContent.trim());

    await click(popup, 'Sign in with this M-Pin');
    await waitForText(popup, /Enter the access number/);
    await popup.keyboard.type(accessNumber);
    await click(popup, 'Next');
    await waitForText(popup, /Enter your PIN/);
    await waitForText(pcPage, /Authenticating user/);
    await popup.keyboard.type(PIN);
    await armPopupClock(popup);

    const landed = pcPage.waitForFunction(() => globalThis.location.pathname === '/protected', { timeout: 30_000 });
    await click(popup, 'Login');
    await landed;
    await pcPage.waitForFunction(
      () => (performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? 0) > 0,
      { timeout: 30_000 },
    );
    const shown = await pcPage.evaluate(
      () => performance.timeOrigin + performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
    );
    await waitForText(popup, /signed in as/);
    const marks = await popup.evaluate(() => globalThis.latencyMarks);
    await click(popup, 'Start Over');
    await waitForText(popup, /Sign in with this M-Pin/);
    return {
      landed: shown - marks.login,
      told: heard.told - marks.login,
      signedIn: heard.signedIn - marks.login,
      phone: marks.success - marks.login,
    };
  } finally {
    await context.close();
  }
}

const ms = (x) => `${x.toFixed(0).padStart(5)} ms`;
const line = (r) =>
  `PC ${ms(r.landed)}   (PC told ${ms(r.told)}, PC signed in ${ms(r.signedIn)}, phone done ${ms(r.phone)})`;
/** The median (the mean of the middle two for an even count) and the p90 (nearest rank) of `values`. */
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, p90: sorted[Math.ceil(0.9 * sorted.length) - 1] };
}

const g = new Guide('chromium');
try {
  await g.start();
  const popup = await g.registerFirst(EMAIL, PIN);
  console.log(`remote sign-in latency: "Login" clicked → the PC shows the protected page (${SIGN_INS} sign-ins)`);
  const warm = await signIn(g, popup);
  console.log(`warm-up (not counted): ${line(warm)}`);
  const runs = [];
  for (let i = 1; i <= SIGN_INS; i++) {
    const run = await signIn(g, popup);
    runs.push(run);
    console.log(`sign-in ${String(i).padStart(2)}:            ${line(run)}`);
  }
  for (const [label, key] of [
    ['PC shows the protected page', 'landed'],
    ['PC told "authenticate"', 'told'],
    ['PC signed in', 'signedIn'],
    ['phone shows "Success"', 'phone'],
  ]) {
    const { median, p90 } = summary(runs.map((r) => r[key]));
    console.log(`${label.padEnd(28)} median ${ms(median)}, p90 ${ms(p90)}`);
  }
} finally {
  await g.stop();
}
