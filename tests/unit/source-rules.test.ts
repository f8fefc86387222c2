// Rules on the source tree that a reviewer would otherwise have to remember: the protocol core stays pure,
// randomness comes only from crypto.getRandomValues, and the Milagro oracle never reaches shipped code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');

function sources(dir: string): string[] {
  const abs = join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return sources(relative(root, path));
    return /\.(ts|svelte|mjs|js)$/.test(name) ? [relative(root, path)] : [];
  });
}

const read = (file: string) => readFileSync(join(root, file), 'utf8');
/** The code of a file without its comments, so that a comment may name what the code must not do. */
const code = (file: string) => read(file).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
const shipped = [...sources('lib'), ...sources('entrypoints'), ...sources('components'), ...sources('server')];

describe('source rules', () => {
  it('finds the protocol core', () => {
    expect(sources('lib/mpin')).toContain('lib/mpin/index.ts');
  });

  it('lib/mpin imports only @noble packages and its own modules', () => {
    for (const file of sources('lib/mpin')) {
      const imports = [...read(file).matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]!);
      for (const spec of imports) expect(`${file}: ${spec}`).toMatch(/: (?:\.\/[\w.-]+\.ts|@noble\/(?:curves|hashes)\/[\w/.-]+\.js)$/);
    }
  });

  it('lib/mpin uses no browser or Node API (Web Crypto getRandomValues aside)', () => {
    const forbidden = /\b(?:window|document|localStorage|chrome|browser|process|Buffer|require)\b\s*[.([]/;
    for (const file of sources('lib/mpin')) {
      expect(forbidden.test(code(file)), `${file} uses a browser or Node API`).toBe(false);
    }
  });

  it('shipped code never calls Math.random', () => {
    for (const file of shipped) expect(code(file).includes('Math.random'), file).toBe(false);
  });

  it('shipped code never imports the milagro-crypto-js test oracle', () => {
    for (const file of shipped) expect(read(file).includes('milagro-crypto-js'), file).toBe(false);
  });
});
