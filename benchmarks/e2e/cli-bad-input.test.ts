// Bad input through the `topiary` CLI: each is refused before any run starts, with the exit code of its kind and
// a message naming the field (or option) and the refused value.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot, topiary } from './topiary-process.js';

const root = repositoryRoot;

const dir = mkdtempSync(join(tmpdir(), 'topiary-bad-cli-'));
function suiteFile(name: string, suite: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, ...suite }));
  return file;
}

describe('topiary refuses bad input before any run', () => {
  it('a custom strategy with a constant drop fraction of 2 (exit 2, field and value named, nothing written)', async () => {
    const file = suiteFile('drop2', {
      base: {
        data: { dataset: 'fashion-mnist-subset' },
        algorithm: { method: 'custom', sparsity: 0.8, update: { drop: { kind: 'magnitude' }, grow: { kind: 'random' }, dropFraction: { kind: 'constant', value: 2 } } },
      },
    });
    const out = join(dir, 'out-drop2');
    const result = await topiary(['bench', file, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('algorithm.update.dropFraction.value: must be ≤ 1 (got 2)');
    expect(existsSync(join(out, 'runs.jsonl'))).toBe(false);
  });

  it('a suite with several whole-run problems lists them all (exit 2)', async () => {
    const file = suiteFile('many', {
      base: { data: { dataset: 'fashion-mnist-subset', trainLimit: 256 }, training: { epochs: 1, batchSize: 64 } },
      axes: [
        {
          kind: 'variants',
          name: 'method',
          variants: [
            { label: 'kind', config: { algorithm: { method: 'custom', sparsity: 0.8, update: { drop: { kind: 'mystery' }, dropFraction: { kind: 'constant', value: 0.1 } } } } },
            { label: 'begin', config: { algorithm: { method: 'rigl', sparsity: 0.9, begin: 100 } } },
            { label: 'map', config: { algorithm: { method: 'static', sparsity: 0.9, distribution: { kind: 'custom', densities: { fc7: 0.5 } } } } },
            { label: 'batch', config: { training: { batchSize: 512 } } },
            { label: 'redistribution', config: { algorithm: { method: 'custom', sparsity: 0.8, update: { drop: { kind: 'magnitude' }, dropFraction: { kind: 'constant', value: 0.1 }, redistribution: { kind: 'momentum' } } } } },
          ],
        },
      ],
    });
    const result = await topiary(['bench', file, '--out', join(dir, 'out-many')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is invalid \(5 problems\)/);
    for (const text of ['algorithm.update.drop.kind', '"mystery"', 'algorithm.begin', '(got 100)', 'fc7', 'training.batchSize', '(got 512)', 'algorithm.update.redistribution', '(got {"kind":"momentum"})']) {
      expect(result.stderr).toContain(text);
    }
  });

  it('bad command-line values name the option and the value', async () => {
    const file = suiteFile('ok', { base: { data: { dataset: 'fashion-mnist-subset' } } });
    const concurrency = await topiary(['bench', file, '--out', join(dir, 'out-ok'), '--concurrency', '0']);
    expect(concurrency.code).not.toBe(0);
    expect(concurrency.stderr).toMatch(/concurrency[\s\S]*0/);
    const backend = await topiary(['bench', file, '--out', join(dir, 'out-ok'), '--backend', 'tpu']);
    expect(backend.code).toBe(2);
    expect(backend.stderr).toContain('--backend (backend)');
    expect(backend.stderr).toContain('(got "tpu")');
  });
});
