// Packaging for the stores: `npm run zip` (wxt zip for Chrome and Firefox) writes the store zips, each holding the
// extension's manifest.json at its root; the Firefox manifest declares the data the extension transmits (AMO's data
// collection consent); and `web-ext lint` on the Firefox build reports no errors, no DANGEROUS_EVAL (zod's eval probe
// is gone from the bundles: lib/zod-jitless.ts, wxt.config.ts), and no warning that the README ("Packaging for the
// stores") does not explain. A deliberately broken copy of the build proves the lint check can see errors at all.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUTPUT = path.join(ROOT, '.output');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const ZIPS = {
  chrome: path.join(OUTPUT, `${pkg.name}-${pkg.version}-chrome.zip`),
  firefox: path.join(OUTPUT, `${pkg.name}-${pkg.version}-firefox.zip`),
  sources: path.join(OUTPUT, `${pkg.name}-${pkg.version}-sources.zip`),
};
/** The lint warnings the README explains (code → where they come from). */
const EXPLAINED_WARNINGS = new Set(['UNSAFE_VAR_ASSIGNMENT']);

/** Entries of a zip file: name → { method, compressed size, local header offset }, from its central directory. */
function zipEntries(file) {
  const buf = fs.readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, `${file}: no end of central directory (not a zip)`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, `${file}: bad central directory entry ${i}`);
    const nameLength = buf.readUInt16LE(at + 28);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    entries.set(name, {
      method: buf.readUInt16LE(at + 10),
      size: buf.readUInt32LE(at + 20),
      offset: buf.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return { buf, entries };
}

/** The text of one zip entry (stored or deflated). */
function zipText({ buf, entries }, name) {
  const entry = entries.get(name);
  assert.ok(entry, `no ${name} in the zip`);
  const start = entry.offset + 30 + buf.readUInt16LE(entry.offset + 26) + buf.readUInt16LE(entry.offset + 28);
  const data = buf.subarray(start, start + entry.size);
  return (entry.method === 8 ? zlib.inflateRawSync(data) : data).toString('utf8');
}

/** `web-ext lint --output json` on a directory: the parsed report (web-ext exits 1 when there are errors). */
async function lint(dir) {
  const bin = path.join(ROOT, 'node_modules/.bin/web-ext');
  const args = ['lint', '--source-dir', dir, '--output', 'json', '--no-config-discovery'];
  const { stdout } = await run(bin, args, { cwd: ROOT, maxBuffer: 32 << 20 }).catch((e) => e);
  assert.ok(stdout?.trim().startsWith('{'), `web-ext lint printed no JSON report:\n${String(stdout).slice(0, 500)}`);
  return JSON.parse(stdout);
}

const describeIssue = (m) => `${m.code} in ${m.file ?? '?'}: ${m.message}`;

describe('packaging for the stores', () => {
  before(async () => {
    for (const zip of Object.values(ZIPS)) fs.rmSync(zip, { force: true });
    await run('npm', ['run', 'zip'], { cwd: ROOT, maxBuffer: 32 << 20 });
  });

  for (const [browser, manifestVersion] of [
    ['chrome', 3],
    ['firefox', 2],
  ]) {
    it(`npm run zip writes the ${browser} zip with manifest.json at its root`, () => {
      assert.ok(
        fs.existsSync(ZIPS[browser]),
        `${ZIPS[browser]} is missing; .output has: ${fs.readdirSync(OUTPUT).join(', ')}`,
      );
      const zip = zipEntries(ZIPS[browser]);
      const manifest = JSON.parse(zipText(zip, 'manifest.json'));
      // The name is the catalogue's (__MSG_extName__), in the default language's words from the zip's _locales.
      const messages = JSON.parse(zipText(zip, `_locales/${manifest.default_locale}/messages.json`));
      assert.equal(
        manifest.name.replace(/^__MSG_(\w+)__$/, (_, key) => messages[key].message),
        'M-Pin Authenticator',
      );
      assert.equal(manifest.version, pkg.version);
      assert.equal(manifest.manifest_version, manifestVersion);
      assert.equal(Boolean(manifest.browser_specific_settings?.gecko?.id), browser === 'firefox');
      assert.ok(
        zip.entries.has(manifestVersion === 3 ? 'background.js' : manifest.background.scripts[0]),
        'the background script is in the zip',
      );
      assert.ok(zip.entries.has('popup.html'), 'the popup is in the zip');
    });
  }

  it('the Firefox manifest declares the data sent to the services the user adds (e-mail, authentication data)', () => {
    const manifest = JSON.parse(zipText(zipEntries(ZIPS.firefox), 'manifest.json'));
    const declared = manifest.browser_specific_settings.gecko.data_collection_permissions;
    assert.deepEqual([...declared.required].sort(), ['authenticationInfo', 'personallyIdentifyingInfo']);
    assert.equal(declared.optional, undefined);
  });

  it('npm run zip writes the sources zip for Firefox review, without tests or the server', () => {
    const { entries } = zipEntries(ZIPS.sources);
    assert.ok(entries.has('package.json') && entries.has('wxt.config.ts'), 'the sources zip can rebuild the extension');
    const leaked = [...entries.keys()].filter((name) =>
      /^(tests|server|node_modules|\.output|docs\/screenshots)\//.test(name),
    );
    assert.deepEqual(leaked, []);
  });

  it('web-ext lint on the Firefox build: no errors, and only the warnings the README explains', async () => {
    const report = await lint(path.join(OUTPUT, 'firefox-mv2'));
    assert.deepEqual(report.errors.map(describeIssue), []);
    assert.equal(report.summary.errors, 0);
    assert.deepEqual(
      report.warnings.filter((w) => w.code === 'DANGEROUS_EVAL').map(describeIssue),
      [],
      "no eval in any bundle (zod's probe included)",
    );
    const unexplained = report.warnings.filter((w) => !EXPLAINED_WARNINGS.has(w.code));
    assert.deepEqual(
      unexplained.map(describeIssue),
      [],
      'a new lint warning: fix it, or explain it in the README and add it here',
    );
  });

  it('the lint check sees errors: a copy of the build without manifest_version fails it', async () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'mpin-lint-'));
    try {
      fs.cpSync(path.join(OUTPUT, 'firefox-mv2'), broken, { recursive: true });
      const manifestFile = path.join(broken, 'manifest.json');
      const { manifest_version: _dropped, ...manifest } = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
      fs.writeFileSync(manifestFile, JSON.stringify(manifest));
      const report = await lint(broken);
      assert.ok(report.summary.errors > 0, `expected lint errors, got ${JSON.stringify(report.summary)}`);
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });
});
