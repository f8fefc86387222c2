/**
 * Builds the demo site's browser code: bundles server/web/{pinpad,phone-login,protected}.ts (with lib/mpin, lib/rps
 * and zod) for the browser with esbuild into server/rpa/static/, and copies site.css there. What the pages share is
 * split into chunk-<hash>.js files, so a visitor who goes from the PIN pad to "Sign in with Phone" fetches zod and
 * the RPS client once. The server serves that folder at /static/. Run: `npm run build:web` (tsx
 * server/web/build.ts); `--watch` rebuilds on change.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const outdir = here('../rpa/static');
const watch = process.argv.includes('--watch');

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
copyFileSync(here('./site.css'), `${outdir}/site.css`);

const options: esbuild.BuildOptions = {
  entryPoints: ['pinpad', 'phone-login', 'protected'].map((name) => here(`./${name}.ts`)),
  outdir,
  bundle: true,
  format: 'esm',
  // what the pages share (lib/rps, zod, the PIN pad's helpers) in chunks of its own, fetched once for all pages
  splitting: true,
  chunkNames: 'chunk-[hash]',
  platform: 'browser',
  target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
  minify: !watch,
  sourcemap: watch ? 'linked' : false,
  legalComments: 'eof',
  logLevel: 'info',
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  const result = await esbuild.build({ ...options, metafile: true });
  const sizes = Object.entries(result.metafile.outputs).map(
    ([file, o]) => `${file.split('/').pop()} ${(o.bytes / 1024).toFixed(1)} kB`,
  );
  console.log(`demo site scripts built into ${outdir}: ${sizes.join(', ')}`);
}
