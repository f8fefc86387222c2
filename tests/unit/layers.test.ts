// The layer rules of docs/architecture.md, as ESLint enforces them (eslint.config.js): each case lints a small
// source as if it stood at a path in the tree and expects the rule to fire, or not. A rule switched off or
// loosened in the config makes this test fail, not only a reviewer's memory.
import { ESLint } from 'eslint';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const layerRules = new Set(['no-restricted-imports', 'no-restricted-globals', 'no-restricted-properties']);
// Type information is not needed for these rules, and the probe files do not exist in any tsconfig.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: { languageOptions: { parserOptions: { project: null, projectService: false } } },
  ruleFilter: ({ ruleId }) => layerRules.has(ruleId),
});

async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, path) });
  return result!.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const cases: [layer: string, path: string, code: string, rule: string | null][] = [
  // lib/mpin: only its own modules and @noble
  ['mpin', 'lib/mpin/probe.ts', "import { readFileSync } from 'node:fs';", 'no-restricted-imports'],
  ['mpin', 'lib/mpin/probe.ts', "import { z } from 'zod';", 'no-restricted-imports'],
  ['mpin', 'lib/mpin/probe.ts', "import { browser } from 'wxt/browser';", 'no-restricted-imports'],
  ['mpin', 'lib/mpin/probe.ts', "import { x } from '../rps/client.ts';", 'no-restricted-imports'],
  ['mpin', 'lib/mpin/probe.ts', "import { x } from '../../server/config.ts';", 'no-restricted-imports'],
  ['mpin', 'lib/mpin/probe.ts', 'export const t = document.title;', 'no-restricted-globals'],
  ['mpin', 'lib/mpin/probe.ts', 'export const e = process.env;', 'no-restricted-globals'],
  [
    'mpin',
    'lib/mpin/probe.ts',
    "import { sha256 } from '@noble/hashes/sha2.js';\nimport { a } from './bytes.ts';",
    null,
  ],
  // the extension: no server, no Node
  ['extension', 'lib/app/probe.ts', "import { loadConfig } from '../../server/config.ts';", 'no-restricted-imports'],
  ['extension', 'components/Probe.ts', "import { x } from '@/server/config';", 'no-restricted-imports'],
  ['extension', 'entrypoints/probe.ts', "import { join } from 'node:path';", 'no-restricted-imports'],
  ['extension', 'lib/store/probe.ts', "import fs from 'fs';", 'no-restricted-imports'],
  ['extension', 'lib/app/probe.ts', 'export const b = Buffer.from([]);', 'no-restricted-globals'],
  ['extension', 'lib/app/probe.ts', "import { createMpin } from '../mpin/index.ts';\nimport { z } from 'zod';", null],
  // the server: lib/mpin and lib/rps only
  ['server', 'server/rps/probe.ts', "import { openStore } from '../../lib/store/db.ts';", 'no-restricted-imports'],
  ['server', 'server/rps/probe.ts', "import { x } from '../../components/types.ts';", 'no-restricted-imports'],
  ['server', 'server/rps/probe.ts', "import { browser } from 'wxt/browser';", 'no-restricted-imports'],
  [
    'server',
    'server/rps/probe.ts',
    "import { readFileSync } from 'node:fs';\nimport { createMpin } from '../../lib/mpin/index.ts';",
    null,
  ],
  ['server web', 'server/web/probe.ts', "import { readFileSync } from 'node:fs';", 'no-restricted-imports'],
  ['server web', 'server/web/probe.ts', "import { x } from '../../lib/rps/client.ts';", null],
  // R20: no Math.random outside tests
  ['R20', 'lib/app/probe.ts', 'export const r = Math.random();', 'no-restricted-properties'],
  ['R20', 'server/rps/probe.ts', 'export const r = Math.random();', 'no-restricted-properties'],
  ['R20', 'lib/mpin/probe.ts', 'export const r = Math.random();', 'no-restricted-properties'],
  ['R20', 'tests/unit/probe.ts', 'export const r = Math.random();', null],
  // the test oracle never reaches shipped code
  ['oracle', 'server/rps/probe.ts', "import ctx from 'milagro-crypto-js';", 'no-restricted-imports'],
  ['oracle', 'lib/app/probe.ts', "import ctx from 'milagro-crypto-js';", 'no-restricted-imports'],
];

describe('layer rules (ESLint)', () => {
  for (const [layer, path, code, rule] of cases) {
    it(`${layer}: ${path}: ${code.split('\n')[0]} → ${rule ?? 'allowed'}`, async () => {
      const found = await problems(path, code);
      if (rule === null) expect(found).toEqual([]);
      else
        expect(
          found.some((p) => p.startsWith(`${rule}:`)),
          found.join('\n') || 'no problem reported',
        ).toBe(true);
    }, 30_000);
  }
});
