// The bad-input table of suites: each suite is refused before any run starts, with a SuiteError whose message
// names the field and the refused value; one suite with several problems lists them all.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../load-suite.js';
import { SuiteError } from '../suite-error.js';

const dir = mkdtempSync(join(tmpdir(), 'topiary-check-'));
let n = 0;
async function refusal(suite: Record<string, unknown>): Promise<SuiteError> {
  const file = join(dir, `suite-${n++}.json`);
  writeFileSync(file, JSON.stringify({ name: 'bad', ...suite }));
  const error = await loadSuite(file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SuiteError);
  return error as SuiteError;
}

const small = { data: { dataset: 'fashion-mnist-subset', trainLimit: 512 }, training: { epochs: 1, batchSize: 64 } };
const custom = (update: Record<string, unknown>) => ({ method: 'custom', sparsity: 0.8, update: { drop: { kind: 'magnitude' }, grow: { kind: 'random' }, dropFraction: { kind: 'constant', value: 0.3 }, ...update } });

/** [what, suite, field named in the message, value echoed in the message]. */
const cases: [string, Record<string, unknown>, string, string][] = [
  ['unknown drop criterion kind', { base: { ...small, algorithm: custom({ drop: { kind: 'magnitud' } }) } }, 'algorithm.update.drop.kind', '(got "magnitud") (did you mean "magnitude"?)'],
  ['unknown grow criterion kind', { base: { ...small, algorithm: custom({ grow: { kind: 'gradients' } }) } }, 'algorithm.update.grow.kind', '"gradients"'],
  ['begin after the end', { base: { ...small, algorithm: { method: 'rigl', sparsity: 0.9, begin: 500 } } }, 'algorithm.begin', '(got 500)'],
  ['custom begin after the end', { base: { ...small, algorithm: custom({ begin: 8, end: 0.5 }) } }, 'algorithm.update.begin', '(got 8)'],
  ['density map names a layer the model lacks', { base: { ...small, algorithm: { method: 'static', sparsity: 0.9, distribution: { kind: 'custom', densities: { fc9: 0.5 }, default: 0.1 } } } }, 'algorithm.distribution', 'fc9'],
  ['dense list names a layer the model lacks', { base: { ...small, model: { kind: 'mlp', hidden: [32] }, algorithm: { method: 'rigl', sparsity: 0.9, distribution: { kind: 'erk', dense: ['conv1'] } } } }, 'algorithm.distribution', 'conv1'],
  ['batch larger than the data', { base: { ...small, training: { batchSize: 1024 } } }, 'training.batchSize', '(got 1024)'],
  ['validation split eats the data', { base: { data: { dataset: 'fashion-mnist-subset', validationSplit: 6000 } } }, 'data.validationSplit', '(got 6000)'],
  ['pruning span shorter than ΔT', { base: { ...small, algorithm: { method: 'pruning', sparsity: 0.9, updateEvery: 50 } } }, 'algorithm.updateEvery', '(got 50)'],
  ['sparsity out of range in an axis', { axes: { 'algorithm.method': ['rigl'], 'algorithm.sparsity': [1.5] } }, '$.axes["algorithm.sparsity"][0]', '(got 1.5)'],
  ['mistyped training key', { base: { training: { epoch: 3 } } }, 'training.epoch', '(did you mean "epochs"?)'],
  ['unknown optimizer kind', { base: { training: { optimizer: { kind: 'adamw' } } } }, 'training.optimizer.kind', '(got "adamw")'],
  ['mistyped suite key', { axis: { seed: [0, 1] } }, 'axis', '(did you mean "axes"?)'],
  ['criterion option typo in a variant', { base: small, axes: [{ kind: 'variants', name: 'm', variants: [{ label: 'x', config: { algorithm: custom({ drop: { kind: 'magnitude', tieBreakNose: 1 } }) } }] }] }, '$.axes[0].variants[0].config.algorithm.update.drop', '"tieBreakNose" (did you mean "tieBreakNoise"?)'],
];

describe('a suite is checked whole before any run starts', () => {
  it.each(cases)('%s', async (_what, suite, field, value) => {
    const error = await refusal(suite);
    expect(error.message).toContain(field);
    expect(error.message).toContain(value);
  });

  it('lists every problem of the suite in one error, schema and whole-run problems together', async () => {
    const error = await refusal({
      base: small,
      axes: [
        {
          kind: 'variants',
          name: 'method',
          variants: [
            { label: 'ok', config: { algorithm: { method: 'rigl', sparsity: 0.9 } } },
            { label: 'kind', config: { algorithm: custom({ drop: { kind: 'mystery' } }) } },
            { label: 'map', config: { algorithm: { method: 'static', sparsity: 0.9, distribution: { kind: 'custom', densities: { nope: 0.5 } } } } },
            { label: 'batch', config: { training: { batchSize: 4096 } } },
            { label: 'range', config: { algorithm: { method: 'rigl', sparsity: 2 } } },
          ],
        },
      ],
    });
    expect(error.problems).toHaveLength(4);
    expect(error.message).toMatch(/4 problems/);
    for (const text of ['"mystery"', 'nope', '(got 4096)', '(got 2)']) expect(error.message).toContain(text);
    // whole-run problems point at the place in the file the value came from, like schema problems
    expect(error.problems.map((p) => p.where)).toEqual([
      '$.axes[0].variants[1].config.algorithm.update.drop.kind',
      '$.axes[0].variants[4].config.algorithm.sparsity',
      '$.axes[0].variants[2].config.algorithm.distribution',
      '$.axes[0].variants[3].config.training.batchSize',
    ]);
  });
});
