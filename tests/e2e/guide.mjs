// Shared steps of the browser tests that walk the M-Pin guide: the real server, the PC browser, the guide's buttons
// and fields found by their words and labels, the mailbox's activation link, and clicks into the extension's closed
// shadow root. Used by the Chromium and Firefox guide tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { register } from 'tsx/esm/api';
import { builtExtension, CHROMIUM_FLAGS } from './helpers.mjs';

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

/** The "PC": a plain Chromium without the extension. */
export async function launchPc() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpin-pc-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    userDataDir,
  });
  return {
    browser,
    async close() {
      await browser.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A copy of the Chrome build whose manifest also grants http://127.0.0.1/* at install. Chrome's permission prompt
 * (permissions.request for a service's host) cannot be answered by automation; with the host granted, the request
 * resolves at once, as it does for a user who said yes. Everything else is the build as shipped.
 */
export function chromeBuildWithHostGranted() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpin-ext-'));
  fs.cpSync(builtExtension('chrome-mv3'), dir, { recursive: true });
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  manifest.host_permissions = [...(manifest.host_permissions ?? []), 'http://127.0.0.1/*'];
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));
  return dir;
}

export /** Waits for `pattern` in the page's text; on time-out the error says what the page showed instead. */
async function waitForText(page, pattern, timeout = 20_000) {
  try {
    await page.waitForFunction(
      (src) => new RegExp(src, 'i').test(document.body.innerText),
      { timeout },
      pattern.source,
    );
  } catch (e) {
    const shown = await page.evaluate(() => document.body.innerText.replace(/\s+/g, ' ').trim()).catch(() => '?');
    throw new Error(`waited for ${pattern} but the page shows: ${shown.slice(0, 400)}`, { cause: e });
  }
}
export /** Clicks the enabled button whose text is exactly `text` (the guide's words). */
async function click(page, text) {
  try {
    await page.waitForFunction(
      (t) => [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === t && !b.disabled),
      { timeout: 20_000 },
      text,
    );
  } catch (e) {
    const shown = await page.evaluate(() => document.body.innerText.replace(/\s+/g, ' ').trim()).catch(() => '?');
    throw new Error(`no enabled button "${text}"; the page shows: ${shown.slice(0, 400)}`, { cause: e });
  }
  await page.evaluate(
    (t) => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === t && !b.disabled).click(),
    text,
  );
}
export /** Types into the input whose label matches `pattern`. */
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
  await handle.asElement().click({ clickCount: 3 });
  await handle.asElement().type(value);
}

export /**
 * Clicks the button with text `text` inside the page's closed shadow roots (the extension's in-page offer). Page
 * scripts cannot reach into a closed root; the DevTools protocol can, which is how a test plays the user's click.
 */
async function clickInClosedShadowRoot(page, text) {
  const client = await page.createCDPSession();
  try {
    for (let i = 0; i < 100; i++) {
      const { root } = await client.send('DOM.getDocument', { depth: -1, pierce: true });
      const stack = [root];
      while (stack.length) {
        const node = stack.pop();
        const label = (node.children ?? [])
          .filter((c) => c.nodeType === 3)
          .map((c) => c.nodeValue)
          .join('')
          .trim();
        if (node.nodeName === 'BUTTON' && label === text) {
          const { model } = await client.send('DOM.getBoxModel', { nodeId: node.nodeId });
          const [x1, y1, , , x3, y3] = model.content;
          await page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2);
          return;
        }
        stack.push(
          ...(node.children ?? []),
          ...(node.shadowRoots ?? []),
          ...(node.contentDocument ? [node.contentDocument] : []),
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`no button "${text}" in the page's shadow roots`);
  } finally {
    await client.detach();
  }
}

/** The newest activation link mailed to `to`, from the server's built-in mailbox. */
export async function mailboxLink(base, to) {
  for (let i = 0; i < 100; i++) {
    const mails = await (await fetch(`${base}/mailbox.json`)).json();
    const link = mails.find((m) => m.to === to)?.text.match(/https?:\/\/\S+\/mpinActivate\?\S+/)?.[0];
    if (link) return link;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no activation mail to ${to}`);
}

/** The PC opens the newest activation link mailed to `to` and presses "Confirm and activate". */
export async function activateOnPc(pcBrowser, base, to, shot) {
  const page = await pcBrowser.newPage();
  await page.goto(await mailboxLink(base, to));
  await click(page, 'Confirm and activate');
  await waitForText(page, /confirmed|activated/);
  if (shot) await shot(page);
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
