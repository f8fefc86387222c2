/**
 * `npm run try`: the demo in one command. Builds when a build is missing, starts the reference server with the demo
 * site (the same configuration as `npm start`: the environment variables of the README), and, when there is a
 * display, opens Chromium with the extension loaded (a temporary profile) and the demo site open. Closing that
 * Chromium stops the server. Without a display it prints the manual route and keeps the server running (Ctrl+C).
 *
 * CHROMIUM_PATH picks another Chromium (default /usr/bin/chromium); NO_BROWSER=1 skips the browser.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { runProcess } from '../server/util/process.ts';

const CHROME_BUILD = resolve('.output/chrome-mv3');
const FIREFOX_BUILD = resolve('.output/firefox-mv2');

function buildIfMissing() {
  const built = [
    join(CHROME_BUILD, 'manifest.json'),
    join(FIREFOX_BUILD, 'manifest.json'),
    resolve('server/rpa/static'),
  ].every(existsSync);
  if (built) return;
  console.log('Building the extension and the demo site (npm run build)…');
  const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

function manualRoute(url: string): string {
  return [
    'Load the extension by hand:',
    `  Chrome / Chromium: chrome://extensions → Developer mode → Load unpacked → ${CHROME_BUILD}`,
    `  Firefox: about:debugging → This Firefox → Load Temporary Add-on… → ${FIREFOX_BUILD}/manifest.json`,
    `Then, in the extension, add the service ${url} and follow the guide: open ${url}/ in another browser`,
    `(the "PC") and press "Setup your phone" / "Sign in with Phone"; activation mails are at ${url}/mailbox.`,
  ].join('\n');
}

let stopping = false; // Ctrl+C: the server stops itself, Chromium's exit must not stop it twice

/** Starts Chromium with the extension loaded in a temporary profile, on the demo site; returns its process. */
function openChromium(url: string, onExit: () => void) {
  const executable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executable)) {
    console.log(`No Chromium at ${executable} (set CHROMIUM_PATH).\n${manualRoute(url)}`);
    return undefined;
  }
  const profile = mkdtempSync(join(tmpdir(), 'mpin-try-'));
  const args = [
    `--user-data-dir=${profile}`,
    `--load-extension=${CHROME_BUILD}`,
    // Branded Chrome 137+ ignores --load-extension unless this feature is off; Debian's Chromium loads it anyway.
    '--disable-features=DisableLoadExtensionCommandLineSwitch',
    '--no-first-run',
    '--no-default-browser-check',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), // Chromium refuses to run as root without it
    `${url}/`,
    `${url}/mailbox`,
  ];
  const child = spawn(executable, args, { stdio: 'ignore' });
  const cleanUp = () => rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  child.on('error', (e) => {
    console.log(`Could not start ${executable}: ${e.message}\n${manualRoute(url)}`);
    cleanUp();
  });
  child.on('exit', () => {
    cleanUp();
    if (!stopping) onExit();
  });
  console.log(
    [
      `Chromium is open with M-Pin Authenticator loaded (temporary profile) on ${url}/ and the mailbox.`,
      `Click the extension's icon (pin it from the puzzle-piece menu), add the service ${url}, and walk the guide.`,
      'Closing this Chromium stops the server.',
    ].join('\n'),
  );
  return child;
}

runProcess(async () => {
  buildIfMissing();
  const config = loadConfig();
  const server = await startServer(config);
  const url = server.publicUrl;
  console.log(
    [
      '',
      'M-Pin reference server is running.',
      `  Demo site:  ${url}/`,
      `  Mailbox:    ${url}/mailbox`,
      `  Data:       ${config.dataDir}`,
      '',
    ].join('\n'),
  );

  const display = process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
  let browser: ReturnType<typeof openChromium>;
  if (!display) {
    console.log(`No display (DISPLAY / WAYLAND_DISPLAY unset): no browser opened.\n${manualRoute(url)}`);
  } else if (process.env.NO_BROWSER) {
    console.log(manualRoute(url));
  } else {
    browser = openChromium(url, () => {
      console.log('Chromium closed: stopping the server.');
      void server.close().then(() => process.exit(0));
    });
  }
  console.log('Stop with Ctrl+C.\n');
  return {
    async close() {
      stopping = true;
      if (browser && browser.exitCode === null && browser.signalCode === null) {
        const child = browser;
        // wait for its exit, which removes the temporary profile
        await new Promise((done) => {
          child.once('exit', done);
          child.kill();
          setTimeout(done, 5000).unref();
        });
      }
      await server.close();
    },
  };
});
