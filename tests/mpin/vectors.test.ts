// Runs `npm run vectors` (scripts/vectors.ts) on every BN254CX and BN254 MPIN vector file of Apache Milagro
// in tests/vectors/, and checks that the runner notices a vector that is off by one byte.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');
const vectorsDir = resolve(root, 'tests/vectors');
const files = ['milagro-crypto-c', 'milagro-crypto-js'].flatMap((dir) =>
  readdirSync(join(vectorsDir, dir))
    .filter((f) => /BN254/.test(f) && f.endsWith('.json'))
    .map((f) => join(vectorsDir, dir, f)),
);

async function vectors(file: string): Promise<{ code: number; lastLine: string; out: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/vectors.ts', file], {
      cwd: root,
      maxBuffer: 1 << 24,
    });
    return { code: 0, lastLine: stdout.trim().split('\n').pop()!, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, lastLine: err.stdout.trim().split('\n').pop()!, out: err.stdout };
  }
}

describe('Milagro MPIN vectors', () => {
  it('finds the six BN254CX and BN254 files', () => {
    expect(files.map((f) => f.slice(vectorsDir.length + 1)).sort()).toEqual([
      'milagro-crypto-c/BN254_CX.json',
      'milagro-crypto-c/BN254_CXOnePass.json',
      'milagro-crypto-js/MPIN_BN254.json',
      'milagro-crypto-js/MPIN_BN254CX.json',
      'milagro-crypto-js/MPIN_ONE_PASS_BN254.json',
      'milagro-crypto-js/MPIN_ONE_PASS_BN254CX.json',
    ]);
  });

  for (const file of files) {
    it(`passes every vector of ${file.slice(vectorsDir.length + 1)}`, async () => {
      const count = (JSON.parse(readFileSync(file, 'utf8')) as unknown[]).length;
      const { code, lastLine } = await vectors(file);
      expect(lastLine).toBe(`${count} passed, 0 failed`);
      expect(code).toBe(0);
    }, 300_000);
  }

  it('reports a vector with one wrong byte as failed and exits non-zero', async () => {
    const source = files.find((f) => f.endsWith('MPIN_BN254CX.json'))!;
    const data = JSON.parse(readFileSync(source, 'utf8')) as Record<string, string>[];
    const v = data[3]!;
    // flip the last hex digit of V: the client's pass-2 value no longer matches and the server must reject it
    v.V = v.V!.slice(0, -1) + (v.V!.endsWith('0') ? '1' : '0');
    const file = join(mkdtempSync(join(tmpdir(), 'vectors-')), 'MPIN_BN254CX.json');
    writeFileSync(file, JSON.stringify(data));
    const { code, lastLine, out } = await vectors(file);
    expect(lastLine).toBe(`${data.length - 1} passed, 1 failed`);
    expect(out).toMatch(/#3: V: got/);
    expect(code).toBe(1);
  }, 120_000);
});
