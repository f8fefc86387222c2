// Shared steps of the browser tests that walk the M-Pin guide, the same in every browser: the real server, the
// guide's buttons and fields found by their words and labels, the mailbox's activation link, the PC's access number,
// a counting proxy. What differs between browsers is in browsers.mjs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { register } from 'tsx/esm/api';
import { launchPlainBrowser } from './browsers.mjs';
import { shownText, withDeadline } from './helpers.mjs';

register();
const { startServer } = await import('../../server/app.ts');
const { loadConfig } = await import('../../server/config.ts');

/**
 * The real server on free ports with a fresh DATA_DIR (or `env.DATA_DIR`, e.g. to restart a server on its data with
 * `env.PORT` its port); `close()` keeps the data, `stop()` removes it.
 */
export async function startGuideServer(env = {}) {
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mpin-guide-'));
  const server = await startServer(
    loadConfig({ PORT: '0', PRIVATE_PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }),
  );
  return {
    ...server,
    dataDir,
    async stop() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The "PC": a plain browser without the extension (Chromium unless `kind` says otherwise). */
export const launchPc = (kind = 'chromium') => launchPlainBrowser(kind);

export /** Waits for `pattern` in the page's text; on time-out the error says what the page showed instead. */
async function waitForText(page, pattern, timeout = 20_000) {
  try {
    await page.waitForFunction(
      (src) => new RegExp(src, 'i').test(document.body.innerText),
      { timeout },
      pattern.source,
    );
  } catch (e) {
    const shown = await shownText(page).catch(() => '?');
    throw new Error(`waited for ${pattern} but the page shows: ${shown.slice(0, 400)}`, { cause: e });
  }
}
/** Finds the enabled button whose text is exactly `text` (the guide's words); on time-out says what the page shows. */
async function enabledButton(page, text) {
  try {
    return await page.waitForFunction(
      (t) => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === t && !b.disabled),
      { timeout: 20_000 },
      text,
    );
  } catch (e) {
    const shown = await shownText(page).catch(() => '?');
    throw new Error(`no enabled button "${text}"; the page shows: ${shown.slice(0, 400)}`, { cause: e });
  }
}

export /** Clicks the enabled button whose text is exactly `text` (the guide's words). */
async function click(page, text) {
  const button = await enabledButton(page, text);
  await withDeadline(
    button.evaluate((b) => b.click()),
    `click "${text}"`,
  );
}

export /** Clicks the enabled button `text` with the real mouse: a user gesture, as permissions.request needs. */
async function realClick(page, text) {
  const button = await enabledButton(page, text);
  await withDeadline(button.asElement().click(), `click "${text}" with the mouse`);
}

export /** Replaces the value of the input whose label (or aria-label) matches `pattern` with `value`, typed. */
async function fill(page, pattern, value) {
  const handle = await page.waitForFunction(
    (src) =>
      [...document.querySelectorAll('input')].find((i) =>
        new RegExp(src, 'i').test(
          [...(i.labels ?? [])].map((l) => l.textContent).join(' ') + ' ' + (i.getAttribute('aria-label') ?? ''),
        ),
      ),
    { timeout: 20_000 },
    pattern.source,
  );
  // Emptied as the user's own deletion would (an input event), since WebDriver BiDi's triple click selects nothing.
  await handle.evaluate((i) => {
    i.value = '';
    i.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await handle.asElement().type(value);
}

/** Every activation link mailed to `to` so far, newest first, from the server's built-in mailbox. */
export async function activationLinks(base, to) {
  const mails = await (await fetch(`${base}/mailbox.json`)).json();
  return mails
    .filter((m) => m.to === to)
    .map((m) => m.text.match(/https?:\/\/\S+\/mpinActivate\?\S+/)?.[0])
    .filter(Boolean);
}

/** The newest activation link mailed to `to` that is not in `seen` (links of earlier registrations); waits for it. */
export async function mailboxLink(base, to, seen = []) {
  for (let i = 0; i < 100; i++) {
    const link = (await activationLinks(base, to)).find((l) => !seen.includes(l));
    if (link) return link;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no new activation mail to ${to}`);
}

/**
 * The PC opens the newest activation link mailed to `to` (not one in `seen`) and presses "Confirm and activate";
 * `onConfirmed(page)` sees the page that says so.
 */
export async function activateOnPc(pcBrowser, base, to, onConfirmed, seen = []) {
  const page = await pcBrowser.newPage();
  await page.goto(await mailboxLink(base, to, seen));
  await click(page, 'Confirm and activate');
  // the answer page's own text: the form already says "nothing is activated without this button", so a looser
  // match let the test go on before the server had activated the identity
  await waitForText(page, /Your e-mail address is confirmed/);
  if (onConfirmed) await onConfirmed(page);
  await page.close();
}

/** The PC's "Sign in with Phone" page and the access number it shows. */
export async function pcAccessNumber(pcBrowser, base) {
  const page = await pcBrowser.newPage();
  await page.goto(`${base}/phone-login`);
  await page.waitForFunction(
    () => /^[0-9]{7}$/.test(document.querySelector('#access-number')?.textContent?.trim() ?? ''),
    { timeout: 20_000 },
  );
  return { page, accessNumber: await page.$eval('#access-number', (e) => e.textContent.trim()) };
}

/**
 * A reverse proxy on a free port of 127.0.0.1 in front of `target` (e.g. a second reference server): to a browser it
 * is another origin of the same host, serving that server's pages. It records every request it forwards, so a test
 * can say what reached that origin (`requests`, `count(method, path)`). `close()` stops it.
 */
export async function startCountingProxy(target) {
  const { default: http } = await import('node:http');
  const to = new URL(target);
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, path: new URL(req.url, 'http://x').pathname });
    const upstream = http.request(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: to.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    count: (method, path) => requests.filter((r) => r.method === method && r.path === path).length,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
