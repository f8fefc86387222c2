// `npm run screenshots`: refreshes the README's screenshots (docs/screenshots/) from the Chromium guide test, which
// walks the M-Pin mobile guide against the real server and saves every popup screen and PC page to
// tests/e2e/screenshots/ (gitignored). Builds first when a build is missing. The PNGs are copied as they are: the
// test's viewports already keep them small (popup 420 px wide, pages 800 px), so no resizing tool is needed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FROM = path.join(ROOT, 'tests/e2e/screenshots');
const TO = path.join(ROOT, 'docs/screenshots');
const TEST = 'tests/e2e/extension.e2e.test.mjs';

/** The README's set, in the guide's order (file names as the test writes them). */
const SHOTS = [
  'popup-add-service.png',
  'popup-register.png',
  'popup-email-sent.png',
  'popup-setup-pin.png',
  'popup-home.png',
  'pc-phone-login.png',
  'popup-access-number.png',
  'popup-pin.png',
  'popup-success.png',
  'pc-protected.png',
  'phone-site-offer.png',
  'popup-wrong-pin.png',
  'popup-blocked.png',
];

function run(command, args) {
  console.log(`> ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`screenshots: "${command} ${args.join(' ')}" failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

const built = ['.output/chrome-mv3/manifest.json', 'server/rpa/static'].every((p) => fs.existsSync(path.join(ROOT, p)));
if (!built) run('npm', ['run', 'build']);

const started = Date.now();
run(process.execPath, ['--test', TEST]);

// Every file must come from this run: a stale one from an older run would go into the README unnoticed.
const stale = SHOTS.filter((name) => {
  const file = path.join(FROM, name);
  return !fs.existsSync(file) || fs.statSync(file).mtimeMs < started - 1000;
});
if (stale.length) {
  console.error(`screenshots: ${TEST} did not write ${stale.join(', ')} (test renamed a screenshot?)`);
  process.exit(1);
}

fs.mkdirSync(TO, { recursive: true });
for (const name of SHOTS) fs.copyFileSync(path.join(FROM, name), path.join(TO, name));
const extra = fs.readdirSync(TO).filter((name) => name.endsWith('.png') && !SHOTS.includes(name));
for (const name of extra) fs.rmSync(path.join(TO, name));
const bytes = SHOTS.reduce((sum, name) => sum + fs.statSync(path.join(TO, name)).size, 0);
console.log(
  `screenshots: ${SHOTS.length} PNGs (${Math.round(bytes / 1024)} kB) in docs/screenshots/${extra.length ? `, removed ${extra.join(', ')}` : ''}`,
);
